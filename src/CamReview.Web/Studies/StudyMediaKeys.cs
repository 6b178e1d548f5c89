using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using CamReview.Data.Entities;

namespace CamReview.Web.Studies;

/// <summary>The names under which a participant fetches a study's videos, and the cookie that binds them to the
/// participant's browser. Everything is an HMAC-SHA256 with the study's <see cref="Study.MediaSecret"/>, so nothing is
/// stored per participant and nothing can be guessed:
/// <list type="bullet">
/// <item>a key per participant, trial and place on the screen (reference or candidate): the same video has another
/// address in every trial and for every participant, and the two sides of an attention check have two;</item>
/// <item>the encoding (variant) each place gets: two sides of an attention check always get two different ones, the
/// sides of other trials any, so that a file seen once is no sign of a check;</item>
/// <item>the media cookie: the participant's public id and its HMAC. Media requests come from video elements, which
/// cannot send the participant key header; the cookie (HttpOnly, SameSite=Strict, for the study's media path only)
/// tells whose keys a request may use. It opens no vote: votes still need the key in the header.</item>
/// </list></summary>
public static class StudyMediaKeys
{
    public const string CookieName = "CamReview.StudyMedia";

    /// <summary>The place of a trial's reference (candidates are 0, 1, ...).</summary>
    public const int ReferenceSlot = -1;

    /// <summary>The place of the target image of a trial's pair.</summary>
    public const int TargetSlot = -2;

    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key (128 bits, base64url) of one place of one trial of a participant.</summary>
    public static string Key(string secret, int participantId, int trialPosition, int slot) =>
        Base64Url.EncodeToString(Mac(secret, $"key/{participantId}/{trialPosition}/{slot}").AsSpan(0, 16));

    /// <summary>The variant (0 .. <paramref name="variants"/> - 1) a candidate place shows. In an attention check the
    /// places take consecutive variants from a drawn start, so no two are alike while there are as many variants as
    /// places; elsewhere each place draws its own.</summary>
    public static int Variant(string secret, int participantId, int trialPosition, int slot, int variants, bool attentionCheck)
    {
        if (variants <= 1) return 0;
        var draw = (int)(BinaryPrimitives.ReadUInt32BigEndian(Mac(secret, $"variant/{participantId}/{trialPosition}/{(attentionCheck ? 0 : slot)}")) % (uint)variants);
        return attentionCheck ? (draw + slot) % variants : draw;
    }

    /// <summary>The noise seed of one encoding of a study video (a 31-bit number).</summary>
    public static int NoiseSeed(string secret, string mediaKey, int variant) =>
        (int)(BinaryPrimitives.ReadUInt32BigEndian(Mac(secret, $"noise/{mediaKey}/{variant}")) & int.MaxValue);

    /// <summary>The media cookie of a participant: their public id and its HMAC.</summary>
    public static string Cookie(string secret, string publicId) => $"{publicId}.{CookieMac(secret, publicId)}";

    /// <summary>The public id a media cookie names, when its HMAC is right.</summary>
    public static string? ParticipantOf(string secret, string? cookie)
    {
        var dot = cookie?.IndexOf('.') ?? -1;
        if (dot <= 0) return null;
        var publicId = cookie![..dot];
        var expected = Encoding.ASCII.GetBytes(CookieMac(secret, publicId));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(cookie[(dot + 1)..])) ? publicId : null;
    }

    private static string CookieMac(string secret, string publicId) => Base64Url.EncodeToString(Mac(secret, $"cookie/{publicId}").AsSpan(0, 16));

    private static byte[] Mac(string secret, string message) => HMACSHA256.HashData(Convert.FromBase64String(secret), Encoding.UTF8.GetBytes(message));
}
