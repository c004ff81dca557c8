using Nube.Core.Switches;

namespace Nube.Core.Tests.Switches;

public sealed class DefaultSwitchTests
{
    [Theory]
    [InlineData("10.111.0.1/24")]
    [InlineData("10.111.0.1/24", "default", "127.0.0.0/8", "192.168.1.0/24", "fe80::/64", "not a route")]
    [InlineData("10.111.2.1/24", "10.111.0.0/24", "10.111.1.7", "10.111.3.0/24")]
    [InlineData("10.111.1.1/24", "10.111.0.0/25")]
    public void The_first_subnet_of_10_111_that_no_route_overlaps_is_taken(string expected, params string[] routes)
    {
        var sw = DefaultSwitch.For(Guid.NewGuid(), routes)!;
        Assert.Equal(expected, Assert.Single(sw.HostAddresses));
        Assert.Equal((DefaultSwitch.Name, SwitchKind.Internal, true, true), (sw.Name, sw.Kind, sw.Nat, sw.Dhcp));
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("10.111.0.0/16")]
    public void A_route_over_every_candidate_leaves_no_default_switch(string route) =>
        Assert.Null(DefaultSwitch.For(Guid.NewGuid(), [route]));
}
