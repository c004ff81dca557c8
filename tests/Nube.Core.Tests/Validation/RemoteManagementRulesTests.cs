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

    [Fact]
    public void A_key_without_its_certificate_is_refused() =>
        Assert.Equal(["remote.certificatePath: missing; a key needs its certificate (a PEM file)"],
            Check(new RemoteManagement { KeyPath = "/etc/nube/key.pem" }));
}
