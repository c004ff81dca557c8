using Nube.Service.HostSystem;

namespace Nube.Service.Tests.HostSystem;

public sealed class IpAddressJsonTests
{
    /// <summary>As iproute2 6.1 prints it (Debian 12), shortened.</summary>
    private const string Sample = """
        [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"operstate":"UNKNOWN","address":"00:00:00:00:00:00",
          "addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"},{"family":"inet6","local":"::1","prefixlen":128}]},
         {"ifindex":2,"ifname":"ifb0","mtu":1500,"operstate":"DOWN","address":"0a:55:dc:0c:e7:d3","addr_info":[]},
         {"ifindex":4,"ifname":"eth0","mtu":1400,"operstate":"UP","address":"02:fc:00:00:00:01",
          "addr_info":[{"family":"inet","local":"192.0.2.2","prefixlen":24,"broadcast":"192.0.2.255"},{"family":"inet6","local":"fd00::2","prefixlen":64}]}]
        """;

    [Fact]
    public void Reads_names_states_and_addresses_with_prefixes()
    {
        var nics = IpAddressJson.Parse(Sample);
        Assert.Equal(["lo", "ifb0", "eth0"], nics.Select(n => n.Name));
        Assert.Equal(["unknown", "down", "up"], nics.Select(n => n.State));
        Assert.Equal(["192.0.2.2/24", "fd00::2/64"], nics[2].Addresses);
        Assert.Equal("02:fc:00:00:00:01", nics[2].MacAddress);
        Assert.Equal(1400, nics[2].Mtu);
        Assert.Empty(nics[1].Addresses);
    }

    [Fact]
    public void Skips_what_it_cannot_read_and_keeps_the_rest()
    {
        var nics = IpAddressJson.Parse("""
            [1, {"ifname": 7}, {"mtu": 1500}, {"ifname":"br0","mtu":"big","operstate":null,
              "addr_info":[{"local":"10.0.0.1"}, {"prefixlen":24}, "x", {"local":"10.0.0.2","prefixlen":"24"}]}, {"ifname":"tap0","addr_info":{}}]
            """);
        Assert.Equal(["br0", "tap0"], nics.Select(n => n.Name));
        Assert.Equal("unknown", nics[0].State);
        Assert.Null(nics[0].Mtu);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], nics[0].Addresses);
        Assert.Empty(nics[1].Addresses);
    }

    [Fact]
    public void Bounds_the_counts()
    {
        var addresses = string.Join(',', Enumerable.Range(0, 100).Select(i => $$"""{"local":"10.0.{{i}}.1","prefixlen":24}"""));
        var links = string.Join(',', Enumerable.Range(0, 300).Select(i => $$"""{"ifname":"n{{i}}","addr_info":[{{addresses}}]}"""));
        var nics = IpAddressJson.Parse($"[{links}]");
        Assert.Equal(IpAddressJson.MaxInterfaces, nics.Count);
        Assert.All(nics, n => Assert.Equal(IpAddressJson.MaxAddresses, n.Addresses.Count));
    }

    [Theory]
    [InlineData("", "The output of 'ip -j addr' is not JSON: ")]
    [InlineData("[{", "The output of 'ip -j addr' is not JSON: ")]
    [InlineData("{}", "The output of 'ip -j addr' is a JSON Object, not an array.")]
    public void Refuses_what_is_not_a_json_array(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => IpAddressJson.Parse(text));
        Assert.StartsWith(message, error.Message);
    }
}
