using System.Net;
using CamReview.Web.Studies;

namespace CamReview.Web.Tests;

public sealed class ParticipantAddressesTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"camreview-addresses-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    private ParticipantAddresses New() => new(new PortalOptions { DataDir = _dataDir });

    [Fact]
    public void AnIpv6AddressCountsByItsSlash64AndAMappedIpv4AddressAsItself()
    {
        Assert.Equal("2001:db8:1:2::/64", ParticipantAddresses.Network(IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));
        Assert.Equal("2001:db8:1:2::/64", ParticipantAddresses.Network(IPAddress.Parse("2001:db8:1:2::1")));
        Assert.Equal("2001:db8:1:3::/64", ParticipantAddresses.Network(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal("203.0.113.7", ParticipantAddresses.Network(IPAddress.Parse("::ffff:203.0.113.7")));
        Assert.Equal("203.0.113.7", ParticipantAddresses.Network(IPAddress.Parse("203.0.113.7")));
        Assert.Null(ParticipantAddresses.Network(null));
    }

    [Fact]
    public void TheHashIsKeyedSaltedByStudyAndNeverTheAddress()
    {
        var addresses = New();
        var a = addresses.Hash(1, IPAddress.Parse("203.0.113.7"))!;
        Assert.Matches("^[0-9a-f]{64}$", a);
        Assert.Equal(a, addresses.Hash(1, IPAddress.Parse("::ffff:203.0.113.7")));
        Assert.NotEqual(a, addresses.Hash(1, IPAddress.Parse("203.0.113.8")));
        Assert.NotEqual(a, addresses.Hash(2, IPAddress.Parse("203.0.113.7")));
        Assert.Equal(addresses.Hash(1, IPAddress.Parse("2001:db8:1:2::1")), addresses.Hash(1, IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.Null(addresses.Hash(1, null));

        // The key is the data folder's own, readable by the portal's user only, and the same after a restart; another
        // key gives other hashes.
        var key = Path.Combine(_dataDir, "keys", "participant-addresses.key");
        Assert.Equal(32, new FileInfo(key).Length);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.Equal(a, New().Hash(1, IPAddress.Parse("203.0.113.7")));
        File.WriteAllBytes(key, new byte[32]);
        Assert.NotEqual(a, New().Hash(1, IPAddress.Parse("203.0.113.7")));
    }
}
