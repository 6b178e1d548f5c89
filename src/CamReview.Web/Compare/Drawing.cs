using System.Text.Json;

namespace CamReview.Web.Compare;

/// <summary>A drawing on a paused frame, kept with the comment it illustrates: shapes in the picture's own coordinates
/// (0..1 across its width and height, so it lands on the same spot at any display size or zoom).</summary>
public sealed record Drawing(IReadOnlyList<DrawingShape> Shapes)
{
    public const int MaxShapes = 50;
    public const int MaxFreehandPoints = 2000;

    /// <summary>The colours a drawing may use: legible on dark and light pictures alike.</summary>
    public static readonly IReadOnlyList<string> Colours = ["#ff5252", "#ffd740", "#40c4ff", "#69f0ae", "#ffffff"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What is wrong with the drawing, or null when it can be stored.</summary>
    public string? Problem()
    {
        if (Shapes is null || Shapes.Count == 0) return "The drawing has no shapes.";
        if (Shapes.Count > MaxShapes) return $"A drawing has at most {MaxShapes} shapes.";
        foreach (var shape in Shapes)
        {
            if (shape is null) return "A shape of the drawing is empty.";
            var points = shape.Points ?? [];
            switch (shape.Kind)
            {
                case DrawingShape.Freehand when points.Count is < 2 or > MaxFreehandPoints:
                    return $"A freehand line has 2 to {MaxFreehandPoints} points.";
                case DrawingShape.Arrow or DrawingShape.Rectangle when points.Count != 2:
                    return "An arrow or a rectangle has exactly 2 points.";
                case DrawingShape.Freehand or DrawingShape.Arrow or DrawingShape.Rectangle:
                    break;
                default:
                    return "A shape is a freehand line, an arrow or a rectangle.";
            }
            if (!Colours.Contains(shape.Colour)) return $"A shape's colour is one of {string.Join(", ", Colours)}.";
            if (points.Any(p => p is null || p.Length != 2 || p.Any(v => !double.IsFinite(v) || v < 0 || v > 1)))
                return "A drawing's points are pairs of numbers from 0 to 1 (a share of the picture's width and height).";
        }
        return null;
    }

    /// <summary>As stored: the validated shapes only, points rounded to 1/10000 of the picture.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Drawing([.. Shapes.Select(s => s with { Points = [.. s.Points.Select(p => new[] { Math.Round(p[0], 4), Math.Round(p[1], 4) })] })]), Json);

    public static Drawing? Read(string? json) => json is null ? null : JsonSerializer.Deserialize<Drawing>(json, Json);
}

/// <summary>A freehand line (its points in order), an arrow (from its tail to its head) or a rectangle (two opposite
/// corners).</summary>
public sealed record DrawingShape(string Kind, string Colour, IReadOnlyList<double[]> Points)
{
    public const string Freehand = "freehand";
    public const string Arrow = "arrow";
    public const string Rectangle = "rect";
}
