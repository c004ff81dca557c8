using Nube.Core.Hosts;
using Nube.Core.Validation;

namespace Nube.Core.Tests.Hosts;

public sealed class PeerRulesTests
{
    private static readonly string Fingerprint = string.Join(':', Enumerable.Repeat("0A", 32));
    private static readonly HostPeer Known = new() { Name = "host2", Url = "https://10.0.0.2:8006/", Fingerprint = new string('B', 64), Token = "t" };

    private static IEnumerable<string> Errors(string? name, string? url, string? fingerprint, string? token) =>
        PeerRules.Validate(name, url, fingerprint, token, [Known]).Select(e => e.Message);

    [Fact]
    public void A_peer_has_a_name_of_its_own_an_https_address_a_whole_fingerprint_and_a_token()
    {
        Assert.Empty(Errors("host3", "https://host3.example:8006/", Fingerprint, "nube_abc"));
        Assert.Empty(Errors("host3", "https://[fd00::3]:8006", Fingerprint.Replace(":", "").ToLowerInvariant(), "nube_abc"));
        Assert.Equal([
            "name: missing; a name for the peer (letters, digits, '.' and '-', such as host2)",
            "url: missing; the peer's API address, https://HOST:PORT/ (its 'nube host info' shows it)",
            "fingerprint: missing; the SHA-256 fingerprint of the peer's certificate, as its 'nube host info' shows it",
            "token: missing; an API token of the peer ('nube token new' there)",
        ], Errors(null, null, null, null));
        Assert.Equal([
            "name: 'HOST2' is already the peer at https://10.0.0.2:8006/; remove it first to add it again",
            "url: 'http://host3:8006/' is not a peer's API address, https://HOST:PORT/ (hosts trust each other over TLS only)",
            "fingerprint: '0A:0B' is not a SHA-256 fingerprint: 64 hex digits, colons allowed",
            "token: not an API token: at most 512 characters, without spaces or control characters",
        ], Errors("HOST2", "http://host3:8006/", "0A:0B", "two words"));
        Assert.Equal(["name: '-x' is not a peer name: 1 to 63 letters, digits, '.' and '-', starting with a letter or digit",
            "url: 'https://user@host3/api' is not a peer's API address, https://HOST:PORT/ (hosts trust each other over TLS only)"],
            Errors("-x", "https://user@host3/api", Fingerprint, "t"));
        Assert.Equal([$"fingerprint: the peer 'host2' already has this certificate: it is that host"],
            Errors("host3", "https://host3:8006/", new string('b', 64), "t"));
    }
}
