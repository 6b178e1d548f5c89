using System.Numerics;
using CamReview.Vision;

namespace CamReview.Pipeline.Analyze;

/// <summary>The tracked points of one frame: track ids and positions (analysis-size pixels, OpenCV convention).</summary>
public sealed record FrameTracks(int[] Ids, Vector2[] Points);

/// <summary>
/// Feature tracks across a clip, built one frame at a time in order: Shi-Tomasi corners (sub-pixel) spread over a
/// grid of <see cref="GridColumns"/> x <see cref="GridRows"/> cells, followed from frame to frame by pyramidal
/// Lucas-Kanade (<see cref="Window"/> window, <see cref="PyramidLevels"/> levels) and kept only when tracking the
/// new position back lands within <see cref="MaxForwardBackwardPixels"/> of where the point was. Chained
/// frame-to-frame steps drift (each Lucas-Kanade solve is biased by a hundredth of a pixel or so, always the same way
/// for the same texture: measured 0.3 px after 20 frames of a slow arc), so each step is then re-solved from the
/// track's anchor, the frame where it was found or last re-anchored (at most <see cref="AnchorSpan"/> frames back),
/// and the drift only adds up once per anchor. A cell with fewer
/// than <see cref="MinPerCell"/> tracks gets new corners (at least <see cref="MinDistance"/> from every track) up to
/// <see cref="PerCell"/>, so the tracks stay spread over the picture as the camera moves. Not thread-safe: one
/// builder per clip, fed in frame order.
/// </summary>
public sealed class PointTrackBuilder : IDisposable
{
    public const int GridColumns = 8, GridRows = 5, PerCell = 25, MinPerCell = 12;
    public const int Window = 21, PyramidLevels = 3, MaxIterations = 40;
    public const double Epsilon = 0.001;
    public const double MaxForwardBackwardPixels = 0.5, MinDistance = 7, CornerQuality = 0.005;

    /// <summary>Frames a track is re-solved from the same anchor before it is re-anchored at the current frame.</summary>
    public const int AnchorSpan = 8;

    /// <summary>A re-solved position farther than this from the frame-to-frame step tracked something else: the track ends.</summary>
    public const double MaxAnchorShiftPixels = 1.0;

    private readonly Dictionary<int, Image> _images = [];
    private Image? _previous;
    private int[] _ids = [];
    private Vector2[] _points = [];
    private int[] _anchorFrame = [];
    private Vector2[] _anchorPoint = [];
    private int _nextId;

    /// <summary>Tracks of every frame added so far, in order.</summary>
    public List<FrameTracks> Frames { get; } = [];

    /// <summary>Adds the next frame (8-bit grayscale, analysis size); the builder takes ownership of it.</summary>
    public void Add(Image gray)
    {
        ArgumentNullException.ThrowIfNull(gray);
        try
        {
            if (_previous is not null && (_previous.Width != gray.Width || _previous.Height != gray.Height))
                throw new ArgumentException("every frame of a clip must have the same size");
            if (_previous is not null && _points.Length > 0) Follow(_previous, gray);
            Replenish(gray);
            Frames.Add(new FrameTracks(_ids, _points));
        }
        catch
        {
            gray.Dispose();
            throw;
        }
        _images[Frames.Count - 1] = gray;
        _previous = gray;
        // Keep only the frames tracks are anchored to, and this one.
        var used = _anchorFrame.ToHashSet();
        foreach (int f in _images.Keys.ToArray())
            if (f != Frames.Count - 1 && !used.Contains(f)) { _images[f].Dispose(); _images.Remove(f); }
    }

    private void Follow(Image a, Image b)
    {
        var forward = PointTracker.Track(a, b, _points, _points, Window, PyramidLevels, MaxIterations, Epsilon);
        var backward = PointTracker.Track(b, a, forward.Positions, _points, Window, PyramidLevels, MaxIterations, Epsilon);
        var keep = new List<int>(_ids.Length);
        for (int i = 0; i < _ids.Length; i++)
        {
            var p = forward.Positions[i];
            if (!forward.Tracked[i] || !backward.Tracked[i]) continue;
            if (Vector2.Distance(backward.Positions[i], _points[i]) > MaxForwardBackwardPixels) continue;
            if (!(p.X >= 0 && p.Y >= 0 && p.X <= b.Width - 1 && p.Y <= b.Height - 1)) continue;
            keep.Add(i);
        }
        var step = forward.Positions;
        int previousFrame = Frames.Count - 1, current = Frames.Count;
        // Re-solve from the anchors (one call per anchor frame), starting at the frame-to-frame step.
        var final = new Vector2?[_ids.Length];
        foreach (var group in keep.GroupBy(i => _anchorFrame[i]))
        {
            var idx = group.ToArray();
            if (group.Key == previousFrame)
            {
                foreach (int i in idx) final[i] = step[i];
                continue;
            }
            var from = idx.Select(i => _anchorPoint[i]).ToArray();
            var start = idx.Select(i => step[i]).ToArray();
            var solved = PointTracker.Track(_images[group.Key], b, from, start, Window, 1, MaxIterations, Epsilon);
            for (int j = 0; j < idx.Length; j++)
                if (solved.Tracked[j] && Vector2.Distance(solved.Positions[j], start[j]) <= MaxAnchorShiftPixels) final[idx[j]] = solved.Positions[j];
        }
        var ids = new List<int>(keep.Count);
        var pts = new List<Vector2>(keep.Count);
        var anchors = new List<int>(keep.Count);
        var anchorPoints = new List<Vector2>(keep.Count);
        foreach (int i in keep)
        {
            if (final[i] is not { } p) continue;
            ids.Add(_ids[i]);
            pts.Add(p);
            bool renew = current - _anchorFrame[i] >= AnchorSpan;
            anchors.Add(renew ? current : _anchorFrame[i]);
            anchorPoints.Add(renew ? p : _anchorPoint[i]);
        }
        _ids = [.. ids];
        _points = [.. pts];
        _anchorFrame = [.. anchors];
        _anchorPoint = [.. anchorPoints];
    }

    private void Replenish(Image gray)
    {
        int w = gray.Width, h = gray.Height;
        var counts = new int[GridColumns * GridRows];
        foreach (var p in _points) counts[Cell(p, w, h)]++;
        if (counts.All(c => c >= MinPerCell)) return;
        // Corners only in the thin cells, and not next to a track that is already there.
        var mask = new byte[w * h];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (counts[Cell(new Vector2(x, y), w, h)] < MinPerCell) mask[y * w + x] = 255;
        int r = (int)MinDistance;
        foreach (var p in _points)
        {
            int px = (int)MathF.Round(p.X), py = (int)MathF.Round(p.Y);
            for (int y = Math.Max(0, py - r); y <= Math.Min(h - 1, py + r); y++)
            for (int x = Math.Max(0, px - r); x <= Math.Min(w - 1, px + r); x++)
                if ((x - px) * (x - px) + (y - py) * (y - py) <= r * r) mask[y * w + x] = 0;
        }
        using var maskImage = Image.FromGray(mask, w, h);
        var corners = PointTracker.DetectCorners(gray, GridColumns * GridRows * PerCell, CornerQuality, MinDistance, maskImage);
        var ids = new List<int>(_ids);
        var pts = new List<Vector2>(_points);
        var anchors = new List<int>(_anchorFrame);
        var anchorPoints = new List<Vector2>(_anchorPoint);
        foreach (var c in corners)
        {
            int cell = Cell(c, w, h);
            if (counts[cell] >= PerCell) continue;
            counts[cell]++;
            ids.Add(_nextId++);
            pts.Add(c);
            anchors.Add(Frames.Count);
            anchorPoints.Add(c);
        }
        _ids = [.. ids];
        _points = [.. pts];
        _anchorFrame = [.. anchors];
        _anchorPoint = [.. anchorPoints];
    }

    private static int Cell(Vector2 p, int w, int h)
    {
        int cx = Math.Clamp((int)(p.X * GridColumns / w), 0, GridColumns - 1);
        int cy = Math.Clamp((int)(p.Y * GridRows / h), 0, GridRows - 1);
        return cy * GridColumns + cx;
    }

    public void Dispose()
    {
        foreach (var image in _images.Values) image.Dispose();
        _images.Clear();
        _previous = null;
    }
}
