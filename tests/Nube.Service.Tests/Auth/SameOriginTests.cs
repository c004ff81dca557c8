using Microsoft.AspNetCore.Http;
using Nube.Service.Auth;

namespace Nube.Service.Tests.Auth;

/// <summary>Which Origin a WebSocket may come from: the request's own scheme, host and port, nothing else.</summary>
public sealed class SameOriginTests
{
    private static bool Same(string scheme, string host, string origin)
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = scheme;
        http.Request.Host = new HostString(host);
        return AuthGate.SameOrigin(http.Request, origin);
    }

    [Theory]
    [InlineData("https", "nube1:8006", "https://nube1:8006")]
    [InlineData("https", "NUBE1:8006", "https://nube1:8006")]
    [InlineData("http", "127.0.0.1:8006", "http://127.0.0.1:8006")]
    [InlineData("https", "nube1", "https://nube1")]
    [InlineData("https", "nube1", "https://nube1:443")]
    [InlineData("https", "[::1]:8006", "https://[::1]:8006")]
    public void The_hosts_own_address_is_the_same_origin(string scheme, string host, string origin) => Assert.True(Same(scheme, host, origin));

    [Theory]
    [InlineData("https", "nube1:8006", "https://evil.example")]
    [InlineData("https", "nube1:8006", "http://nube1:8006")]
    [InlineData("https", "nube1:8006", "https://nube1:8007")]
    [InlineData("https", "nube1:8006", "https://nube1")]
    [InlineData("https", "nube1:8006", "https://nube1.evil.example:8006")]
    [InlineData("https", "nube1:8006", "null")]
    [InlineData("https", "nube1:8006", "")]
    [InlineData("https", "nube1:8006", "https://nube1:8006/path")]
    [InlineData("https", "", "https://nube1:8006")]
    public void Any_other_origin_is_not(string scheme, string host, string origin) => Assert.False(Same(scheme, host, origin));

    [Theory]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "https://nube1:8006" }, true)]
    [InlineData(new[] { "https://nube1:8006", "https://nube1:8006" }, false)]
    [InlineData(new[] { "https://evil.example", "https://nube1:8006" }, false)]
    [InlineData(new[] { "https://nube1:8006, https://evil.example" }, false)]
    [InlineData(new[] { "" }, false)]
    [InlineData(new[] { "https://[nube1:8006" }, false)]
    public void A_websocket_passes_with_no_origin_or_exactly_its_own(string[] origins, bool allowed)
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("nube1:8006");
        if (origins.Length > 0)
            http.Request.Headers.Origin = origins;
        Assert.Equal(allowed, AuthGate.OriginAllowed(http.Request));
    }
}
