using System.Text.Encodings.Web;
using CamReview.Web.Components.Layout;
using MudBlazor;

namespace CamReview.Web.Studies;

/// <summary>The participant's page: static HTML (no Blazor circuit) and one ES module, wwwroot/js/participant.js, which
/// talks to the participant API. It holds only what the study's authors wrote for participants (instructions, consent),
/// never a method name or the study's internal name. It looks like the portal (its theme's colours and fonts, in the
/// participant's theme) through css/static.css, without MudBlazor or a circuit.</summary>
public static class ParticipantPage
{
    public static string Render(string token, ParticipantPageInfo info, bool dark) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <meta name="referrer" content="no-referrer" />
            <base href="/" />
            <title>Video study</title>
            {{PortalTheme.StaticHead(dark)}}
            <link rel="stylesheet" href="css/participant.css" />
        </head>
        <body>
            <main class="static-main participant" id="study" data-token="{{Encode(token)}}" data-invitation="{{(info.ByInvitation ? "required" : "optional")}}" data-panel-parameter="{{Encode(info.PanelIdParameter ?? "")}}">
                <section id="intro" hidden>
                    <h1 class="static-title">Video study</h1>
                    <div class="instructions" data-testid="instructions">{{Paragraphs(info.Instructions)}}</div>
                    <div class="static-paper static-small" data-testid="consent">{{Paragraphs(info.Consent)}}</div>
                    <label class="portal-check" for="consent-check">
                        <input type="checkbox" id="consent-check" data-testid="consent-check" />
                        I have read this and agree to take part.
                    </label>
                    <div class="portal-field" id="code-field" hidden>
                        <label class="portal-label" for="invitation-code">Invitation code</label>
                        <input class="portal-input invitation-code" id="invitation-code" data-testid="invitation-code" autocomplete="off" spellcheck="false" placeholder="XXXX-XXXX-XXXX" />
                    </div>
                    <div class="static-alert static-alert-warning" role="alert" id="join-error" data-testid="join-error" hidden></div>
                    <button type="button" class="static-button static-button-primary static-button-block" id="start" data-testid="start" disabled>Start</button>
                </section>
                <section id="trial" hidden>
                    <div class="static-progress" role="progressbar" aria-label="Progress" aria-valuemin="0" aria-valuemax="100" id="progress" data-testid="progress">
                        <div class="static-progress-bar" id="progress-bar"></div>
                    </div>
                    <p class="static-small portal-muted progress-text" id="progress-text" data-testid="progress-text"></p>
                    <!-- Each tile enlarges to the whole screen on a tap (participant.js: Enlarging). -->
                    <div class="sources" id="sources">
                        <figure class="tile" id="reference-tile">
                            <figcaption>Reference</figcaption>
                            <video id="reference" muted playsinline preload="auto" data-testid="reference"></video>
                        </figure>
                        <figure class="tile" id="target-tile" hidden>
                            <figcaption>Target image</figcaption>
                            <img id="target" alt="The target image" data-testid="target-image" />
                        </figure>
                    </div>
                    <div class="candidates" id="candidates"></div>
                    <div class="enlarged-bar" id="enlarged-bar" data-testid="enlarged-bar" hidden>
                        <span class="enlarged-caption" id="enlarged-caption"></span>
                        <button type="button" class="static-button" id="close-enlarged" data-testid="close-enlarged">{{Icon(Icons.Material.Filled.Close)}} Close</button>
                    </div>
                    <div class="replay-line">
                        <button type="button" class="static-button" id="replay" data-testid="replay">{{Icon(Icons.Material.Filled.Replay)}} Replay</button>
                        <span class="static-small portal-muted" id="watch-note" data-testid="watch-note" hidden>Watch the videos to the end once to answer.</span>
                    </div>
                    <form id="answers"></form>
                    <div class="static-alert static-alert-error" role="alert" id="error" data-testid="error" hidden></div>
                    <button type="button" class="static-button static-button-primary static-button-block" id="next" data-testid="next" disabled>Next</button>
                </section>
                <section id="done" hidden>
                    <h1 class="static-title">Thank you!</h1>
                    <p>You have answered every question. Your completion code:</p>
                    <div class="completion-line">
                        <span class="completion-code" id="completion-code" data-testid="completion-code"></span>
                        <button type="button" class="static-button static-button-primary" id="copy-code" data-testid="copy-code">{{Icon(Icons.Material.Outlined.ContentCopy)}} Copy</button>
                    </div>
                    <p class="static-small portal-muted" id="copy-status" data-testid="copy-status" role="status"></p>
                    <a class="static-button static-button-success static-button-block" id="return-link" data-testid="return-link" rel="noreferrer" hidden>Return to the panel to finish</a>
                </section>
                <section id="message" hidden>
                    <div class="static-alert static-alert-info" role="status" id="message-text" data-testid="message"></div>
                </section>
                <noscript><div class="static-alert static-alert-warning">This study needs JavaScript.</div></noscript>
            </main>
            <script type="module" src="js/participant.js"></script>
        </body>
        </html>
        """;

    public static string NotFound(bool dark) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><base href="/" />
        <title>Video study</title>{PortalTheme.StaticHead(dark)}</head>
        <body><main class="static-main"><div class="static-alert static-alert-warning" data-testid="message">This study link is not valid, or the study has not opened yet.</div></main></body>
        </html>
        """;

    /// <summary>A MudBlazor icon (its SVG path) inline, beside a button's text.</summary>
    private static string Icon(string svgPath) => $"""<svg class="static-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">{svgPath}</svg>""";

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);

    /// <summary>The authors' text as paragraphs (blank lines) with line breaks, HTML-encoded.</summary>
    private static string Paragraphs(string? text) => string.IsNullOrWhiteSpace(text)
        ? ""
        : string.Concat(text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => $"<p>{string.Join("<br />", p.Split('\n').Select(Encode))}</p>"));
}
