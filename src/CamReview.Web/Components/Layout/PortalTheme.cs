using Microsoft.AspNetCore.Http;
using MudBlazor;
using MudBlazor.Utilities;

namespace CamReview.Web.Components.Layout;

/// <summary>The portal's one theme: dark by default (outputs are judged against a dark surround, as in a grading
/// room), light when the user picks it. Every text colour keeps at least 4.5:1 (WCAG AA) against the background,
/// the surface and the raised surface of its palette, small grey text included.</summary>
public static class PortalTheme
{
    /// <summary>Remembers the user's choice; read on every full page load so that the first paint already has it.</summary>
    public const string CookieName = "camreview-theme";

    public static readonly MudTheme Theme = new()
    {
        PaletteDark = new PaletteDark
        {
            Primary = "#8ab4ff",
            PrimaryContrastText = "#121418",
            Secondary = "#f2b266",
            SecondaryContrastText = "#121418",
            Tertiary = "#80d4ff",
            Info = "#80d4ff",
            InfoContrastText = "#121418",
            Success = "#7ee0a1",
            SuccessContrastText = "#121418",
            Warning = "#ffd166",
            WarningContrastText = "#121418",
            Error = "#ff8a80",
            ErrorContrastText = "#121418",
            Background = "#121418",
            BackgroundGray = "#1c1f25",
            Surface = "#1c1f25",
            DrawerBackground = "#17191e",
            DrawerText = "#e8eaed",
            DrawerIcon = "#b3b9c2",
            AppbarBackground = "#1c1f25",
            AppbarText = "#e8eaed",
            TextPrimary = "#e8eaed",
            TextSecondary = "#b3b9c2",
            ActionDefault = "#b3b9c2",
            LinesDefault = "#3a3f48",
            LinesInputs = "#6b7380",
            TableLines = "#30343c",
            Divider = "#30343c",
            OverlayLight = "rgba(18,20,24,0.5)",
        },
        PaletteLight = new PaletteLight
        {
            Primary = "#1f56c8",
            Secondary = "#9a4d00",
            Tertiary = "#0b6b9a",
            Info = "#0b6b9a",
            Success = "#1d7a3e",
            Warning = "#8a5a00",
            Error = "#b3261e",
            Background = "#f4f5f7",
            BackgroundGray = "#e9ecf0",
            Surface = "#ffffff",
            DrawerBackground = "#ffffff",
            DrawerText = "#1d2127",
            DrawerIcon = "#4a5260",
            AppbarBackground = "#ffffff",
            AppbarText = "#1d2127",
            TextPrimary = "#1d2127",
            TextSecondary = "#4a5260",
            ActionDefault = "#4a5260",
            LinesDefault = "#d5d9df",
            LinesInputs = "#767e8a",
            TableLines = "#e1e4e8",
            Divider = "#e1e4e8",
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px", DrawerWidthLeft = "220px" },
        Typography = new Typography
        {
            // No web fonts (the portal works offline): the system's own sans-serif.
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };

    /// <summary>Dark unless the request's cookie says light.</summary>
    public static bool IsDark(HttpContext context) => context.Request.Cookies[CookieName] != "light";

    /// <summary>The portal's look for a page written as plain HTML: its theme's variables, the portal's form fields
    /// (css/app.css) and the stand-ins for MudBlazor's components (css/static.css).</summary>
    public static string StaticHead(bool dark) =>
        $"""<style>{StaticStyle(dark)}</style><link rel="stylesheet" href="css/app.css" /><link rel="stylesheet" href="css/static.css" /><link rel="icon" type="image/svg+xml" href="favicon.svg" />""";

    /// <summary>The theme's colours, font and corner radius as the CSS variables MudBlazor's theme provider sets, for the
    /// pages written as plain HTML (the participant page, the passphrase throttle page): css/app.css and css/static.css
    /// read the same variables there, so those pages look like the portal without MudBlazor or a circuit.</summary>
    private static string StaticStyle(bool dark)
    {
        Palette p = dark ? Theme.PaletteDark : Theme.PaletteLight;
        static string Hex(MudColor c) => c.ToString(MudColorOutputFormats.HexA);
        var variables = new (string Name, string Value)[]
        {
            ("background", Hex(p.Background)), ("surface", Hex(p.Surface)), ("text-primary", Hex(p.TextPrimary)),
            ("text-secondary", Hex(p.TextSecondary)), ("lines-default", Hex(p.LinesDefault)), ("lines-inputs", Hex(p.LinesInputs)),
            ("primary", Hex(p.Primary)), ("primary-text", Hex(p.PrimaryContrastText)), ("success", Hex(p.Success)),
            ("success-text", Hex(p.SuccessContrastText)), ("warning", Hex(p.Warning)), ("error", Hex(p.Error)), ("info", Hex(p.Info)),
        };
        return $":root{{color-scheme:{(dark ? "dark" : "light")};"
            + string.Concat(variables.Select(v => $"--mud-palette-{v.Name}:{v.Value};"))
            + $"--mud-typography-default-family:{string.Join(",", (Theme.Typography.Default.FontFamily ?? []).Select(f => f.Contains(' ') ? $"'{f}'" : f))};"
            + $"--mud-default-borderradius:{Theme.LayoutProperties.DefaultBorderRadius};}}";
    }
}
