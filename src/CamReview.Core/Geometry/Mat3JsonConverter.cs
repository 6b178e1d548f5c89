using System.Text.Json;
using System.Text.Json.Serialization;

namespace CamReview.Core;

/// <summary>
/// Serializes <see cref="Mat3"/> as rows <c>[[a,b,c],[d,e,f],[g,h,i]]</c>, the shape the CLI and API
/// document for homographies (e.g. <c>{"h": [[...],[...],[...]]}</c>). Attached to the type, so any
/// System.Text.Json serialization of a Mat3 (or Mat3?) uses it.
/// </summary>
public sealed class Mat3JsonConverter : JsonConverter<Mat3>
{
    public override Mat3 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var rows = JsonSerializer.Deserialize<double[][]>(ref reader, options)
                   ?? throw new JsonException("expected a 3x3 array, got null");
        try { return Mat3.FromJagged(rows); }
        catch (ArgumentException e) { throw new JsonException(e.Message, e); }
    }

    public override void Write(Utf8JsonWriter writer, Mat3 value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        for (int r = 0; r < 3; r++)
        {
            writer.WriteStartArray();
            for (int c = 0; c < 3; c++) writer.WriteNumberValue(value[r, c]);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }
}
