using System.CommandLine;
using CamReview.Inference;
using CamReview.Vision;

namespace CamReview.Cli.Commands;

/// <summary><c>camreview info</c>: which native libraries and execution providers this machine offers.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("info", "Show the versions of OpenCV, ONNX Runtime and the available execution providers.") { json };
        command.SetAction(parse =>
        {
            var info = new
            {
                camreview = typeof(InfoCommand).Assembly.GetName().Version?.ToString(3),
                dotnet = Environment.Version.ToString(),
                opencv = VisionNative.OpenCvVersion,
                onnxruntime = OnnxRuntime.Version,
                onnxProviders = OnnxRuntime.AvailableProviders,
                ffmpeg = FfmpegVersion(),
            };
            if (parse.GetValue(json)) JsonOutput.Write(info);
            else
            {
                Console.WriteLine($"CamReview     {info.camreview} (.NET {info.dotnet})");
                Console.WriteLine($"OpenCV        {info.opencv}");
                Console.WriteLine($"ONNX Runtime  {info.onnxruntime} ({string.Join(", ", info.onnxProviders)})");
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
