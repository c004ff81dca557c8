using Nube.Linux.Network;

namespace Nube.Qemu.Tests.Linux;

public sealed class IpRouteTests
{
    [Fact]
    public void A_route_is_made_again_through_the_bridge_with_its_gateway_metric_protocol_and_source()
    {
        var route = new IpRoute("default", "10.0.0.1", 100, "dhcp", null, "10.0.0.5", V6: false);
        Assert.Equal("route replace default via 10.0.0.1 dev nbr0 metric 100 proto dhcp src 10.0.0.5", route.Line("nbr0"));
        Assert.Equal("-6 route replace 2001:db8::/48 via fe80::1 dev nbr0 metric 1024",
            new IpRoute("2001:db8::/48", "fe80::1", 1024, null, "global", null, V6: true).Line("nbr0"));
    }

    [Theory]
    [InlineData("kernel", false)]
    [InlineData("ra", false)]
    [InlineData("static", true)]
    [InlineData(null, true)]
    public void The_kernels_own_routes_are_left_to_the_kernel(string? protocol, bool movable) =>
        Assert.Equal(movable, new IpRoute("10.0.0.0/24", null, null, protocol, "link", null, V6: false).Movable);
}
