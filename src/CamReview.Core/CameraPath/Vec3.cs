using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CamReview.Core;

/// <summary>A 3-vector of doubles (camera axes: x right, y down, z forward). JSON: <c>[x, y, z]</c>.</summary>
[JsonConverter(typeof(Vec3JsonConverter))]
public readonly record struct Vec3(double X, double Y, double Z)
{
    public static Vec3 Zero => default;

    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public static Vec3 operator -(Vec3 a) => new(-a.X, -a.Y, -a.Z);
    public static Vec3 operator *(double k, Vec3 a) => new(k * a.X, k * a.Y, k * a.Z);
    public static Vec3 operator *(Vec3 a, double k) => k * a;
    public static Vec3 operator /(Vec3 a, double k) => new(a.X / k, a.Y / k, a.Z / k);

    /// <summary>Matrix times column vector.</summary>
    public static Vec3 operator *(Mat3 m, Vec3 v) => new(
        m.M00 * v.X + m.M01 * v.Y + m.M02 * v.Z,
        m.M10 * v.X + m.M11 * v.Y + m.M12 * v.Z,
        m.M20 * v.X + m.M21 * v.Y + m.M22 * v.Z);

    public double Dot(Vec3 o) => X * o.X + Y * o.Y + Z * o.Z;

    public Vec3 Cross(Vec3 o) => new(Y * o.Z - Z * o.Y, Z * o.X - X * o.Z, X * o.Y - Y * o.X);

    public double Norm => Math.Sqrt(X * X + Y * Y + Z * Z);

    /// <summary>This vector scaled to unit length (the zero vector stays zero).</summary>
    public Vec3 Normalized() => Norm is var n && n > 0 ? this / n : this;

    public bool IsFinite => double.IsFinite(X) && double.IsFinite(Y) && double.IsFinite(Z);

    public double[] ToArray() => [X, Y, Z];

    public static Vec3 FromArray(ReadOnlySpan<double> v) =>
        v.Length == 3 ? new Vec3(v[0], v[1], v[2]) : throw new ArgumentException("a Vec3 needs 3 values", nameof(v));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{X:G6}, {Y:G6}, {Z:G6}]");
}

/// <summary>Reads and writes <see cref="Vec3"/> as a JSON array of three numbers.</summary>
public sealed class Vec3JsonConverter : JsonConverter<Vec3>
{
    public override Vec3 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected [x, y, z]");
        Span<double> v = stackalloc double[3];
        for (int i = 0; i < 3; i++)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.Number) throw new JsonException("expected [x, y, z]");
            v[i] = reader.GetDouble();
        }
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray) throw new JsonException("expected [x, y, z]");
        return new Vec3(v[0], v[1], v[2]);
    }

    public override void Write(Utf8JsonWriter writer, Vec3 value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.X);
        writer.WriteNumberValue(value.Y);
        writer.WriteNumberValue(value.Z);
        writer.WriteEndArray();
    }
}
