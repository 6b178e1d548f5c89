using System.Text.Encodings.Web;

namespace CamReview.Web.Studies;

/// <summary>The participant's page: static HTML (no Blazor circuit) and one ES module, wwwroot/js/participant.js, which
/// talks to the participant API. It holds only what the study's authors wrote for participants (instructions, consent),
/// never a method name or the study's internal name.</summary>
public static class ParticipantPage
{
    public static string Render(string token, ParticipantPageInfo info) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <meta name="referrer" content="no-referrer" />
            <base href="/" />
            <title>Video study</title>
            <link rel="stylesheet" href="lib/bootstrap/bootstrap.min.css" />
            <link rel="stylesheet" href="lib/bootstrap-icons/bootstrap-icons.min.css" />
            <link rel="stylesheet" href="css/participant.css" />
        </head>
        <body>
            <main class="container participant py-3" id="study" data-token="{{Encode(token)}}" data-invitation="{{(info.ByInvitation ? "required" : "optional")}}" data-panel-parameter="{{Encode(info.PanelIdParameter ?? "")}}">
                <section id="intro" hidden>
                    <h1 class="h4">Video study</h1>
                    <div class="instructions mb-3" data-testid="instructions">{{Paragraphs(info.Instructions)}}</div>
                    <div class="card mb-3"><div class="card-body small" data-testid="consent">{{Paragraphs(info.Consent)}}</div></div>
                    <div class="form-check mb-3">
                        <input class="form-check-input" type="checkbox" id="consent-check" data-testid="consent-check" />
                        <label class="form-check-label" for="consent-check">I have read this and agree to take part.</label>
                    </div>
                    <div class="mb-3" id="code-field" hidden>
                        <label class="form-label" for="invitation-code">Invitation code</label>
                        <input class="form-control font-monospace text-uppercase" id="invitation-code" data-testid="invitation-code" autocomplete="off" spellcheck="false" placeholder="XXXX-XXXX-XXXX" />
                    </div>
                    <div class="alert alert-warning py-2 small" role="alert" id="join-error" data-testid="join-error" hidden></div>
                    <button type="button" class="btn btn-primary w-100" id="start" data-testid="start" disabled>Start</button>
                </section>
                <section id="trial" hidden>
                    <div class="progress mb-1" role="progressbar" aria-label="Progress" aria-valuemin="0" aria-valuemax="100" id="progress" data-testid="progress">
                        <div class="progress-bar" id="progress-bar"></div>
                    </div>
                    <p class="small text-body-secondary mb-2" id="progress-text" data-testid="progress-text"></p>
                    <!-- Each tile enlarges to the whole screen on a tap (participant.js: Enlarging). -->
                    <div class="sources mb-2" id="sources">
                        <figure class="tile mb-0" id="reference-tile">
                            <figcaption>Reference</figcaption>
                            <video id="reference" muted playsinline preload="auto" data-testid="reference"></video>
                        </figure>
                        <figure class="tile mb-0" id="target-tile" hidden>
                            <figcaption>Target image</figcaption>
                            <img id="target" alt="The target image" data-testid="target-image" />
                        </figure>
                    </div>
                    <div class="candidates mb-2" id="candidates"></div>
                    <div class="enlarged-bar" id="enlarged-bar" data-testid="enlarged-bar" hidden>
                        <span class="fw-semibold" id="enlarged-caption"></span>
                        <button type="button" class="btn btn-light" id="close-enlarged" data-testid="close-enlarged"><i class="bi bi-x-lg" aria-hidden="true"></i> Close</button>
                    </div>
                    <div class="d-flex gap-2 mb-3">
                        <button type="button" class="btn btn-sm btn-outline-secondary" id="replay" data-testid="replay">Replay</button>
                        <span class="small text-body-secondary align-self-center" id="watch-note" data-testid="watch-note" hidden>Watch the videos to the end once to answer.</span>
                    </div>
                    <form id="answers" class="mb-3"></form>
                    <div class="alert alert-danger py-2 small" role="alert" id="error" data-testid="error" hidden></div>
                    <button type="button" class="btn btn-primary w-100" id="next" data-testid="next" disabled>Next</button>
                </section>
                <section id="done" hidden>
                    <h1 class="h4">Thank you!</h1>
                    <p>You have answered every question. Your completion code:</p>
                    <div class="d-flex flex-wrap align-items-center gap-2 mb-2">
                        <span class="completion-code" id="completion-code" data-testid="completion-code"></span>
                        <button type="button" class="btn btn-primary" id="copy-code" data-testid="copy-code"><i class="bi bi-clipboard" aria-hidden="true"></i> Copy</button>
                    </div>
                    <p class="small text-body-secondary" id="copy-status" data-testid="copy-status" role="status"></p>
                    <a class="btn btn-success w-100" id="return-link" data-testid="return-link" rel="noreferrer" hidden>Return to the panel to finish</a>
                </section>
                <section id="message" hidden>
                    <div class="alert alert-info" role="status" id="message-text" data-testid="message"></div>
                </section>
                <noscript><div class="alert alert-warning">This study needs JavaScript.</div></noscript>
            </main>
            <script type="module" src="js/participant.js"></script>
        </body>
        </html>
        """;

    public static string NotFound() => """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><base href="/" />
        <title>Video study</title><link rel="stylesheet" href="lib/bootstrap/bootstrap.min.css" /></head>
        <body><main class="container py-4"><div class="alert alert-warning" data-testid="message">This study link is not valid, or the study has not opened yet.</div></main></body>
        </html>
        """;

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);

    /// <summary>The authors' text as paragraphs (blank lines) with line breaks, HTML-encoded.</summary>
    private static string Paragraphs(string? text) => string.IsNullOrWhiteSpace(text)
        ? ""
        : string.Concat(text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => $"<p>{string.Join("<br />", p.Split('\n').Select(Encode))}</p>"));
}
