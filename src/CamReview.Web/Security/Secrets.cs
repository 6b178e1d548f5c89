using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CamReview.Web.Security;

/// <summary>The portal's secrets in addresses and headers (share tokens, study links, participant keys): random,
/// URL-safe, and stored only as a hash that finds them again.</summary>
public static class Secrets
{
    /// <summary><paramref name="bytes"/> random bytes as base64url without padding.</summary>
    public static string NewToken(int bytes) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>SHA-256 of a secret, lower-case hex: what the database keeps.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
