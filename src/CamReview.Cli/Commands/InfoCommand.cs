using System.CommandLine;
using CamReview.Inference;
using CamReview.Vision;

namespace CamReview.Cli.Commands;

/// <summary>
/// <c>camreview info</c>: which native libraries and execution providers this machine offers, and which provider a
/// model session really gets (with the reason when CUDA is not used).
/// </summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("info", "Show the versions of OpenCV, ONNX Runtime, its execution providers and the one models run on.") { json };
        command.SetAction(parse =>
        {
            // What render --depth-model and score --encoder get (default options: CUDA first, else the CPU).
            var session = OnnxRuntime.ProbeSessionProvider();
            var info = new
            {
                camreview = typeof(InfoCommand).Assembly.GetName().Version?.ToString(3),
                dotnet = Environment.Version.ToString(),
                opencv = VisionNative.OpenCvVersion,
                onnxruntime = OnnxRuntime.Version,
                onnxProviders = OnnxRuntime.AvailableProviders,
                onnxSession = new { session.ExecutionProvider, session.FallbackReason, session.Note },
                ffmpeg = FfmpegVersion(),
            };
            if (parse.GetValue(json)) JsonOutput.Write(info);
            else
            {
                Console.WriteLine($"CamReview     {info.camreview} (.NET {info.dotnet})");
                Console.WriteLine($"OpenCV        {info.opencv}");
                Console.WriteLine($"ONNX Runtime  {info.onnxruntime} ({string.Join(", ", info.onnxProviders)})");
                Console.WriteLine($"ONNX models   run on {session.ExecutionProvider}");
                if (session.Note is { } note) Console.WriteLine($"              {note}");
                Console.WriteLine($"FFmpeg        {info.ffmpeg}");
            }
            return 0;
        });
        return command;
    }

    private static string FfmpegVersion()
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ffmpeg", "-hide_banner -version")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            var first = process.StandardOutput.ReadLine() ?? "";
            process.WaitForExit();
            return first.Replace("ffmpeg version ", "").Split(' ')[0];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not found";
        }
    }
}
