using System.Diagnostics;
using CamReview.Web.Services;

namespace CamReview.Web.Studies;

/// <summary>Prints a results report to PDF with Chromium's own print (<c>--headless --print-to-pdf</c>), the browser
/// <c>scripts/setup.sh</c> installs (<c>CamReview:Reports:Chromium</c>, default <c>/usr/bin/chromium</c>). One print at a
/// time (a browser start costs about a second and 100 MB), each in a profile folder of its own that is deleted after.</summary>
public sealed class ReportPrinter(IConfiguration configuration, ILogger<ReportPrinter> log)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _chromium = configuration["CamReview:Reports:Chromium"] is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
    private readonly SemaphoreSlim _one = new(1, 1);

    public async Task<Result<byte[]>> PdfAsync(string html, CancellationToken ct = default)
    {
        if (!File.Exists(_chromium))
            return Result<byte[]>.Fail($"PDF reports need Chromium, which is not installed at {_chromium} (CamReview:Reports:Chromium): download the HTML report and print it from a browser.",
                ResultStatus.Unavailable);
        await _one.WaitAsync(ct);
        var folder = Directory.CreateTempSubdirectory("camreview-print-").FullName;
        try
        {
            var page = Path.Combine(folder, "report.html");
            var pdf = Path.Combine(folder, "report.pdf");
            await File.WriteAllTextAsync(page, html, ct);
            var start = new ProcessStartInfo(_chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            // No sandbox: the portal may run as root in a container, where Chromium's sandbox cannot start. The page is the
            // portal's own, without scripts or addresses (its policy forbids both), and the network stays closed.
            foreach (var arg in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(folder, "profile")}", "--no-pdf-header-footer",
                         $"--print-to-pdf={pdf}", new Uri(page).AbsoluteUri])
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (ct.IsCancellationRequested) throw;
                return Result<byte[]>.Fail($"Chromium did not print the report within {Timeout.TotalSeconds:0} s.", ResultStatus.Unavailable);
            }
            if (process.ExitCode != 0 || !File.Exists(pdf))
            {
                log.LogWarning("Chromium could not print a report (exit {Code}): {Errors}", process.ExitCode, (await errors).Trim());
                return Result<byte[]>.Fail("Chromium could not print the report: download the HTML report and print it from a browser.", ResultStatus.Unavailable);
            }
            return Result<byte[]>.Ok(await File.ReadAllBytesAsync(pdf, ct));
        }
        finally
        {
            _one.Release();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } // a browser child still closing
        }
    }
}
