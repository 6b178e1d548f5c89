using CamReview.Vision;

namespace CamReview.Pipeline.Depth;

/// <summary>
/// Reads an uploaded depth or disparity map. PNG (greyscale, or RGB/RGBA whose first channel is used) with 8- or
/// 16-bit samples is decoded by <see cref="DepthPng"/> so 16-bit maps keep their full precision; other image
/// formats (JPEG, BMP, TIFF, ...) are read as 8-bit greyscale through OpenCV. Raw sample values are used as they are:
/// <list type="bullet">
/// <item><see cref="DepthKind.Depth"/>: Z = value (any unit: the renderer is scale-invariant for presets, and
/// trajectory-file translations are in the same unit); 0 = unknown.</item>
/// <item><see cref="DepthKind.Disparity"/>: Z = 1 / value; 0 = unknown (negative values cannot occur in PNG but are
/// invalid too through <see cref="DepthMap.FromDisparity"/>). For a stereo pair with disparity d = fx B / Z pixels,
/// Z = 1/d equals the true depth divided by fx B, so a trajectory translation of B / (fx B) = 1 / fx in the map's
/// units reproduces the baseline B (with presets, the median-depth calibration makes the unit irrelevant).</item>
/// </list>
/// Unknown pixels are filled from their neighbours (<see cref="DepthMap"/>).
/// </summary>
public static class DepthMapFile
{
    public static DepthMap Load(string path, DepthKind kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string what = kind == DepthKind.Disparity ? "Disparity map" : "Depth map";
        if (!File.Exists(path)) throw new FileNotFoundException($"{what} not found: '{path}'", path);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new InvalidDataException($"{what} '{path}' cannot be read: {e.Message}", e); }
        float[] values;
        int w, h;
        if (DepthPng.IsPng(bytes))
        {
            DepthPng.Decoded png;
            try { png = DepthPng.Read(bytes); }
            catch (InvalidDataException e) { throw new InvalidDataException($"{what} '{path}' is not a readable PNG: {e.Message}", e); }
            (w, h) = (png.Width, png.Height);
            values = new float[png.Values.Length];
            for (int i = 0; i < values.Length; i++) values[i] = png.Values[i];
        }
        else
        {
            Image img;
            try { img = Image.Load(path, ImageLoadMode.Grayscale); }
            catch (VisionException e) { throw new InvalidDataException($"{what} '{path}' is not a readable image: {e.Message}", e); }
            using (img)
            {
                (w, h) = (img.Width, img.Height);
                var b = img.CopyBytes();
                values = new float[b.Length];
                for (int i = 0; i < b.Length; i++) values[i] = b[i];
            }
        }
        try
        {
            return DepthMap.From(values, w, h, kind);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{what} '{path}': {e.Message}", e);
        }
    }
}
