namespace CamReview.Web.Components.Layout;

/// <summary>The theme a page shows, shared by its layouts (cascaded from Routes); the theme switch changes it.</summary>
public sealed class ThemeMode
{
    public bool Dark { get; set; } = true;
}
