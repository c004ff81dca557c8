using System.Net;
using Nube.Service.Auth;

namespace Nube.Service.Tests.Auth;

public sealed class SignInLimiterTests
{
    [Fact]
    public void A_user_name_gets_five_attempts_a_minute()
    {
        using var limiter = new SignInLimiter();
        for (var i = 0; i < SignInLimiter.PerUserPerMinute; i++)
            Assert.Null(limiter.TryUser("alice"));

        var wait = limiter.TryUser("alice");

        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Null(limiter.TryUser("bob"));
    }

    [Fact]
    public void An_address_gets_twenty_attempts_a_minute_whatever_the_names()
    {
        using var limiter = new SignInLimiter();
        var client = IPAddress.Parse("192.0.2.1");
        for (var i = 0; i < SignInLimiter.PerAddressPerMinute; i++)
            Assert.Null(limiter.TryAddress(client));

        Assert.NotNull(limiter.TryAddress(client));
        Assert.Null(limiter.TryAddress(IPAddress.Parse("192.0.2.2")));
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64")]
    public void An_ipv6_client_counts_by_its_64_bit_prefix(string address, string key) =>
        Assert.Equal(key, SignInLimiter.AddressKey(IPAddress.Parse(address)));
}
