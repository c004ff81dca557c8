using Nube.Core.Hosts;
using Nube.Core.Validation;

namespace Nube.Core.Tests.Validation;

public class RemoteManagementRulesTests
{
    private static string[] Check(RemoteManagement remote) =>
        [.. HostConfigRules.Check(new HostConfig { Remote = remote }).Select(e => e.Message)];

    [Fact]
    public void The_defaults_are_valid() => Assert.Empty(Check(new RemoteManagement()));

    [Fact]
    public void Every_problem_is_named_with_its_value()
    {
        var messages = Check(new RemoteManagement { Address = "example.org", Port = 70000, CertificatePath = "cert.pem" });
        Assert.Equal(
        [
            "remote.address: 'example.org' is not an IP address (such as 0.0.0.0, 127.0.0.1 or ::)",
            "remote.port: 70000 is outside the ports 1 to 65535",
            "remote.keyPath: missing; a certificate needs its private key (a PEM file)",
            "remote.certificatePath: 'cert.pem' is not an absolute path",
        ], messages);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.0.2.7")]
    public void Plain_http_off_loopback_is_refused(string address)
    {
        var errors = new List<ValidationError>();
        RemoteManagementRules.CheckTransport(new RemoteManagement { Enabled = true, Address = address, Tls = false }, errors);
        Assert.Equal([$"remote.tls: false is refused with remote.address '{address}'; plain HTTP is allowed only on a loopback address " +
            "(127.0.0.1 or ::1): turn TLS on, or listen on 127.0.0.1"], errors.Select(e => e.Message));
    }

    [Theory]
    [InlineData(true, "127.0.0.1", false)]
    [InlineData(true, "127.0.0.2", false)]
    [InlineData(true, "::1", false)]
    [InlineData(true, "0.0.0.0", true)]
    [InlineData(false, "0.0.0.0", false)]
    public void Tls_anywhere_plain_http_on_loopback_and_a_listener_that_is_off_pass(bool enabled, string address, bool tls)
    {
        var errors = new List<ValidationError>();
        RemoteManagementRules.CheckTransport(new RemoteManagement { Enabled = enabled, Address = address, Tls = tls }, errors);
        Assert.Empty(errors);
    }

    [Fact]
    public void A_key_without_its_certificate_is_refused() =>
        Assert.Equal(["remote.certificatePath: missing; a key needs its certificate (a PEM file)"],
            Check(new RemoteManagement { KeyPath = "/etc/nube/key.pem" }));
}
