using CamReview.Data.Entities;

namespace CamReview.Web.Studies;

/// <summary>How study settings read on the pages.</summary>
public static class StudyLabels
{
    public static string Design(StudyDesign design) => design == StudyDesign.Pairwise ? "pairwise (2AFC)" : "best-of-N";
}
