using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace CamReview.Web.Studies;

/// <summary>What a study keeps of a participant's client address: a keyed hash (HMAC-SHA256) of the IPv4 address or of
/// the /64 network of an IPv6 one (a home or phone gets a whole /64), salted with the study, never the address itself.
/// The key is the portal's own (<c>keys/participant-addresses.key</c> in the data folder), so the hashes cannot be
/// reversed by trying every address without it, and the same address gives different hashes in different studies.</summary>
public sealed class ParticipantAddresses(PortalOptions options)
{
    private readonly Lazy<byte[]> _key = new(() => LoadOrCreate(Path.Combine(options.DataDir, "keys", "participant-addresses.key")));

    /// <summary>The hash of an address within a study; null when the address is unknown.</summary>
    public string? Hash(int studyId, IPAddress? address) => Network(address) is { } network
        ? Convert.ToHexStringLower(HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes($"{studyId}|{network}")))
        : null;

    /// <summary>What is hashed: an IPv4 address (also one mapped into IPv6), or the first 64 bits of an IPv6 one.</summary>
    public static string? Network(IPAddress? address)
    {
        if (address is null) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path)) return File.ReadAllBytes(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, RandomNumberGenerator.GetBytes(32));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary); // another process made it first: theirs is the key
        }
        return File.ReadAllBytes(path);
    }
}
