using System.Security.Cryptography;
using System.Text;
using CamReview.Web.Services;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace CamReview.Web.Media;

/// <summary>A file received by <see cref="UploadReceiver"/>: in the temporary folder until it is accepted. Disposing
/// it deletes the temporary file unless it was moved away.</summary>
public sealed class ReceivedUpload(string tempPath, string? fileName, long length, string sha256, byte[] head) : IDisposable
{
    public string TempPath { get; } = tempPath;
    public string? FileName { get; } = fileName;
    public long Length { get; } = length;
    public string Sha256 { get; } = sha256;

    /// <summary>The first bytes (up to <see cref="MediaSniffer.HeadLength"/>), for sniffing.</summary>
    public byte[] Head { get; } = head;

    public void Dispose()
    {
        try { File.Delete(TempPath); } catch (IOException) { }
    }
}

/// <summary>An upload the receiver refuses, with the status and message for the client.</summary>
public sealed class UploadRefusedException(ResultStatus status, string message) : Exception(message)
{
    public ResultStatus Status { get; } = status;
}

/// <summary>Reads a <c>multipart/form-data</c> upload straight from the request body with <see cref="MultipartReader"/>:
/// text fields first (at most a few, each short), then exactly one file part, which is streamed to a temporary file
/// while its SHA-256 is computed. Nothing is buffered in memory beyond a copy buffer, and reading stops as soon as the
/// file passes the byte limit.</summary>
public static class UploadReceiver
{
    private const int MaxFields = 8;
    private const int MaxFieldLength = 1024;
    private const int BufferSize = 81920;

    /// <summary>Reads the fields before the file and hands them to <paramref name="checkFields"/> (which may refuse
    /// the upload before its bytes are read), then receives the file, showing its first bytes (up to
    /// <see cref="MediaSniffer.HeadLength"/>) and its name to <paramref name="checkHead"/> as soon as they are in
    /// (which may refuse it before the rest is read). Both refuse by throwing <see cref="UploadRefusedException"/>.</summary>
    public static async Task<(Dictionary<string, string> Fields, ReceivedUpload Upload)> ReceiveAsync(
        HttpRequest request, string tempPath, long maxBytes, Func<IReadOnlyDictionary<string, string>, Task> checkFields,
        Action<ReadOnlyMemory<byte>, string?> checkHead, CancellationToken ct)
    {
        if (request.ContentLength is { } declared && declared > maxBytes + 64 * 1024)
            throw TooLarge(maxBytes);
        // Kestrel's own default limit (30 MB) would stop large videos; ours is enforced below, exactly, on the file.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = maxBytes + 1024 * 1024;

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) ||
            !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new UploadRefusedException(ResultStatus.Invalid, "Send the file as multipart/form-data.");
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 70)
            throw new UploadRefusedException(ResultStatus.Invalid, "The multipart boundary is missing or too long.");

        var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        ReceivedUpload? upload = null;
        try
        {
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                    !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    throw new UploadRefusedException(ResultStatus.Invalid, "Every part of the upload needs a form-data Content-Disposition.");
                if (disposition.IsFileDisposition())
                {
                    if (upload is not null) throw new UploadRefusedException(ResultStatus.Invalid, "Send one file per upload.");
                    await checkFields(fields);
                    var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    upload = await ReceiveFileAsync(section.Body, tempPath, fileName, maxBytes, checkHead, ct);
                }
                else
                {
                    if (upload is not null) continue; // fields after the file are ignored
                    if (fields.Count >= MaxFields) throw new UploadRefusedException(ResultStatus.Invalid, "Too many form fields.");
                    var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                    fields[name] = await ReadFieldAsync(section.Body, ct);
                }
            }
        }
        catch (Exception e)
        {
            // Whatever went wrong, the partial file goes.
            upload?.Dispose();
            try { File.Delete(tempPath); } catch (IOException) { }
            switch (e)
            {
                case UploadRefusedException or OperationCanceledException:
                    throw;
                case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                    throw TooLarge(maxBytes);
                case IOException or InvalidDataException or BadHttpRequestException:
                    throw new UploadRefusedException(ResultStatus.Invalid, $"The upload was interrupted or is not well-formed multipart data ({e.Message}).");
                default:
                    throw;
            }
        }
        if (upload is null) throw new UploadRefusedException(ResultStatus.Invalid, "The upload has no file.");
        return (fields, upload);
    }

    private static async Task<ReceivedUpload> ReceiveFileAsync(
        Stream body, string tempPath, string? fileName, long maxBytes, Action<ReadOnlyMemory<byte>, string?> checkHead, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = new byte[MediaSniffer.HeadLength];
        var headLength = 0;
        long length = 0;
        var buffer = new byte[BufferSize];
        await using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
        {
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                length += read;
                if (length > maxBytes) throw TooLarge(maxBytes);
                if (headLength < head.Length)
                {
                    var take = Math.Min(read, head.Length - headLength);
                    Buffer.BlockCopy(buffer, 0, head, headLength, take);
                    headLength += take;
                    if (headLength == head.Length) checkHead(head, fileName);
                }
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        if (headLength < head.Length) checkHead(head.AsMemory(0, headLength), fileName);
        return new ReceivedUpload(tempPath, fileName, length, Convert.ToHexStringLower(hash.GetHashAndReset()), head[..headLength]);
    }

    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[MaxFieldLength + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += read;
        if (total > MaxFieldLength) throw new UploadRefusedException(ResultStatus.Invalid, $"A form field has at most {MaxFieldLength} bytes.");
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static UploadRefusedException TooLarge(long maxBytes) =>
        new(ResultStatus.TooLarge, $"The file is larger than the upload limit of {FormatBytes(maxBytes)}.");

    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.##} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.##} MB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.##} KB",
        _ => $"{bytes} bytes",
    };
}
