using Nube.Core.Hosts;
using Nube.Core.Validation;

namespace Nube.Core.Tests.Hosts;

public sealed class MacAddressPoolTests
{
    [Fact]
    public void A_pick_lies_in_the_range_and_is_never_one_in_use()
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        // A range of 16: every address once, then none.
        for (var i = 0; i < 16; i++)
        {
            var mac = MacAddressPool.Pick("02:00:00:00:10:00", "02:00:00:00:10:0F", used, new Random(i))!;
            Assert.Matches("^02:00:00:00:10:0[0-9a-f]$", mac);
            Assert.True(used.Add(mac), $"{mac} was handed out twice");
        }
        Assert.Null(MacAddressPool.Pick("02:00:00:00:10:00", "02:00:00:00:10:0f", used, new Random(99)));
    }

    [Fact]
    public void Addresses_outside_the_range_do_not_count_against_it()
    {
        var mac = MacAddressPool.Pick("02:00:00:00:00:07", "02:00:00:00:00:07", new HashSet<string> { "52:54:00:00:00:07" }, new Random(1));
        Assert.Equal("02:00:00:00:00:07", mac);
    }

    [Theory]
    [InlineData("01:00:00:00:00:00", "02:00:00:00:00:00", "macAddressMinimum", "multicast")]
    [InlineData("02:00:00:00:00:10", "02:00:00:00:00:01", "macAddressMaximum", "comes before macAddressMinimum")]
    [InlineData("52:54:00:00:00:00", "52:54:00:zz:00:00", "macAddressMaximum", "is not a MAC address")]
    public void A_bad_range_is_refused_naming_the_field(string minimum, string maximum, string field, string says)
    {
        var error = Assert.Single(HostConfigRules.Check(new HostConfig { MacAddressMinimum = minimum, MacAddressMaximum = maximum }));
        Assert.Equal(field, error.Field);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }
}
