using CamReview.Web.Components.Shared;

namespace CamReview.Web.Components.Pages.Studies.Results;

/// <summary>The plots of one question's results, built once per new set of results so that they redraw only then, and
/// the heights that fit their tick labels: the method names (Bradley-Terry, heatmap, best-of-N) and the compared pairs
/// (win rates).</summary>
public sealed record QuestionFigures(PlotFigure BradleyTerry, PlotFigure WinRates, PlotFigure Heatmap, PlotFigure BestOfN, int MethodsHeight, int PairsHeight);
