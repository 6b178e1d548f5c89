using CamReview.Data.Entities;

namespace CamReview.Web.Studies;

/// <summary>How study settings read on the pages.</summary>
public static class StudyLabels
{
    public static string Design(StudyDesign design) => design == StudyDesign.Pairwise ? "pairwise (2AFC)" : "best-of-N";

    /// <summary>The one vote count the study list and the study page show, under one name (<see cref="StudySummary.Votes"/>).</summary>
    public const string Votes = "Comparison votes";

    public const string VotesMeaning = "one per question answered on a comparison, excluded participants' included; attention checks and repeated comparisons are not counted";
}
