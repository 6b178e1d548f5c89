using System.Text.Json;
using System.Text.Json.Serialization;

namespace CamReview.Core.Statistics;

/// <summary>A closed interval [Low, High]; in JSON a two-element array <c>[low, high]</c>.</summary>
[JsonConverter(typeof(ConfidenceIntervalJsonConverter))]
public readonly record struct ConfidenceInterval(double Low, double High)
{
    public bool Contains(double value) => value >= Low && value <= High;

    public double Width => High - Low;

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{Low:G6}, {High:G6}]");
}

/// <summary>Writes and reads a <see cref="ConfidenceInterval"/> as <c>[low, high]</c>.</summary>
public sealed class ConfidenceIntervalJsonConverter : JsonConverter<ConfidenceInterval>
{
    public override ConfidenceInterval Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("an interval is an array [low, high]");
        reader.Read();
        double low = reader.GetDouble();
        reader.Read();
        double high = reader.GetDouble();
        reader.Read();
        if (reader.TokenType != JsonTokenType.EndArray) throw new JsonException("an interval has exactly two numbers");
        return new ConfidenceInterval(low, high);
    }

    public override void Write(Utf8JsonWriter writer, ConfidenceInterval value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Low);
        writer.WriteNumberValue(value.High);
        writer.WriteEndArray();
    }
}
