using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Nube.Contracts.Client;
using Nube.Contracts.Hosts;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Remote management: the TCP listener follows the host's settings live, with the certificate 'host info' names.</summary>
public sealed class RemoteListenerTests(ITestOutputHelper output)
{
    private static HostSettings Remote(bool? enabled = null, int? port = null, bool? tls = null, string? certificate = null, string? key = null) =>
        new()
        {
            Remote = new RemoteManagementSettings
            {
                Enabled = enabled, Address = enabled == true ? "127.0.0.1" : null, Port = port, Tls = tls,
                CertificatePath = certificate, KeyPath = key,
            },
        };

    [Fact]
    public async Task Turning_the_listener_on_moving_it_and_turning_it_off_take_effect_at_once()
    {
        await using var host = await NubedHost.StartAsync(output);
        var (first, second) = (RemoteApi.FreePort(), RemoteApi.FreePort());
        Assert.Null((await host.Client.GetHostAsync()).Remote.Url);
        Assert.False(await ListensAsync(first));

        var on = await host.Client.SetHostAsync(Remote(enabled: true, port: first, tls: false));
        Assert.Equal($"http://127.0.0.1:{first}/", on.Remote.Url);
        Assert.True(await AnswersAsync(first), "not listening once turned on");

        var moved = await host.Client.SetHostAsync(Remote(port: second));
        Assert.Equal($"http://127.0.0.1:{second}/", moved.Remote.Url);
        Assert.True(await AnswersAsync(second), "not listening on the new port");
        Assert.False(await ListensAsync(first), "still listening on the old port");

        var off = await host.Client.SetHostAsync(Remote(enabled: false));
        Assert.Null(off.Remote.Url);
        Assert.False(await ListensAsync(second), "still listening once turned off");
        Assert.True((await host.Client.ListVmsAsync()).Count == 0, "the UNIX socket went with the listener");
    }

    [Fact]
    public async Task A_move_asked_over_tcp_is_answered_before_the_listener_moves()
    {
        var (first, second) = (RemoteApi.FreePort(), RemoteApi.FreePort());
        await using var host = await NubedHost.StartAsync(output, "--listen", $"http://127.0.0.1:{first}");
        await host.Client.AddUserAsync("alice", "correct horse");
        var token = await host.Client.CreateTokenAsync(new() { Name = "ops", UserName = "alice" });
        using var remote = NubeApiClient.ForUrl(new Uri($"http://127.0.0.1:{first}/"), token.Secret);

        var moved = await remote.SetHostAsync(Remote(port: second, tls: true));

        Assert.StartsWith($"https://127.0.0.1:{second}/", moved.Remote.Url);
        Assert.True(await AnswersAsync(second, tls: true), "not listening with TLS on the new port");
        Assert.False(await ListensAsync(first), "still listening on the old port");
        // What --listen set at start was in effect, and the change to it is what host.json keeps.
        var stored = await File.ReadAllTextAsync(Path.Combine(host.DataDir, "host.json"));
        Assert.Contains($"\"port\": {second}", stored);
        Assert.Contains("\"enabled\": true", stored);
    }

    [Fact]
    public async Task With_tls_the_host_presents_the_certificate_whose_fingerprint_host_info_shows_and_keeps_it_across_restarts()
    {
        var port = RemoteApi.FreePort();
        await using var host = await NubedHost.StartAsync(output, "--listen", $"https://127.0.0.1:{port}");

        var info = (await host.Client.GetHostAsync()).Remote;
        var presented = await PresentedAsync(port);

        Assert.True(info.Tls);
        Assert.True(info.SelfSignedCertificate);
        Assert.Equal($"https://127.0.0.1:{port}/", info.Url);
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", info.CertificateFingerprint);
        Assert.Equal(Fingerprint(presented), info.CertificateFingerprint);
        Assert.Equal(presented.Subject, info.CertificateSubject);
        Assert.InRange(info.CertificateExpiresAt!.Value, DateTimeOffset.UtcNow.AddYears(9), DateTimeOffset.UtcNow.AddYears(11));
        var names = presented.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", names.EnumerateDnsNames());
        Assert.Contains(IPAddress.Loopback, names.EnumerateIPAddresses());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(host.DataDir, "tls", "nubed.key")));

        await host.TerminateServiceAsync();
        await host.StartServiceAsync();
        Assert.Equal(info.CertificateFingerprint, Fingerprint(await PresentedAsync(port)));
        Assert.Equal(info.CertificateFingerprint, (await host.Client.GetHostAsync()).Remote.CertificateFingerprint);
    }

    [Fact]
    public async Task The_operators_certificate_replaces_the_self_signed_one_live_and_a_bad_one_is_refused_by_name()
    {
        var port = RemoteApi.FreePort();
        await using var host = await NubedHost.StartAsync(output, "--listen", $"https://127.0.0.1:{port}");
        var selfSigned = (await host.Client.GetHostAsync()).Remote.CertificateFingerprint;
        var (certificate, key) = await WriteCertificateAsync(host.Root, "operator");
        var (_, otherKey) = await WriteCertificateAsync(host.Root, "other");

        var bad = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.SetHostAsync(Remote(certificate: certificate, key: otherKey)));
        Assert.StartsWith($"remote.keyPath: '{otherKey}' is not the PEM private key of the certificate {certificate} (", bad.Message);
        var missing = await Assert.ThrowsAsync<NubeApiException>(() =>
            host.Client.SetHostAsync(Remote(certificate: "/nonexistent/cert.pem", key: key)));
        Assert.Equal("remote.certificatePath: '/nonexistent/cert.pem' cannot be read (Could not find a part of the path '/nonexistent/cert.pem'.)",
            missing.Message);
        Assert.Equal(selfSigned, Fingerprint(await PresentedAsync(port)));

        var changed = (await host.Client.SetHostAsync(Remote(certificate: certificate, key: key))).Remote;
        using var expected = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificate));
        Assert.False(changed.SelfSignedCertificate);
        Assert.Equal(Fingerprint(expected), changed.CertificateFingerprint);
        Assert.Equal("CN=operator", changed.CertificateSubject);
        Assert.Equal(changed.CertificateFingerprint, Fingerprint(await PresentedAsync(port)));

        var back = (await host.Client.SetHostAsync(Remote(certificate: "", key: ""))).Remote;
        Assert.Equal(selfSigned, back.CertificateFingerprint);
        Assert.Equal(selfSigned, Fingerprint(await PresentedAsync(port)));
    }

    [Fact]
    public async Task Settings_that_cannot_take_effect_are_refused_and_nothing_changes()
    {
        await using var host = await NubedHost.StartAsync(output);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var inUse = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.SetHostAsync(Remote(enabled: true, port: port, tls: false)));
        Assert.Equal($"remote.port: {port} cannot be listened on at 127.0.0.1 (Address already in use); another program may hold it", inUse.Message);
        var notOurs = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.SetHostAsync(new HostSettings
        {
            Remote = new() { Enabled = true, Address = "192.0.2.55", Port = RemoteApi.FreePort() },
        }));
        Assert.Equal("remote.address: '192.0.2.55' is not an address of this host (Cannot assign requested address)", notOurs.Message);
        Assert.False((await host.Client.GetHostAsync()).Remote.Enabled);
    }

    [Fact]
    public async Task Plain_http_is_refused_off_loopback_at_start_and_at_a_change_and_the_cli_sends_no_token_over_it()
    {
        var port = RemoteApi.FreePort();
        await using var host = await NubedHost.StartAsync(output, "--listen", $"http://0.0.0.0:{port}");
        const string refusal = "remote.tls: false is refused with remote.address '{0}'; plain HTTP is allowed only on a loopback address " +
            "(127.0.0.1 or ::1): turn TLS on, or listen on 127.0.0.1";
        Assert.Contains("Remote management is off: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, refusal, "0.0.0.0"), host.Log);
        Assert.Null((await host.Client.GetHostAsync()).Remote.Url);
        Assert.False(await ListensAsync(port));

        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var refused = await NubeCli.RunAsync(host, "host", "set", "--remote", "on", "--remote-address", "::", "--remote-port", portText, "--tls", "off");
        Assert.Equal((5, "error: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, refusal, "::")),
            (refused.ExitCode, NubeCli.Flat(refused.Stderr)));
        var loopback = await NubeCli.RunAsync(host, "host", "set", "--remote", "on", "--remote-address", "127.0.0.1", "--remote-port", portText, "--tls", "off");
        Assert.True(loopback.ExitCode == 0, loopback.Stderr);
        Assert.True(await AnswersAsync(port), "plain HTTP on loopback is allowed");

        await host.Client.AddUserAsync("alice", "correct horse");
        var tokenFile = Path.Combine(host.Root, "alice.token");
        await File.WriteAllTextAsync(tokenFile, (await host.Client.CreateTokenAsync(new() { Name = "cli", UserName = "alice" })).Secret);
        var elsewhere = await NubeCli.RunAsync(host, "--url", $"http://nube.invalid:{port}/", "--token-file", tokenFile, "host", "info");
        Assert.Equal((2, $"error: --url: 'http://nube.invalid:{port}/' is plain HTTP to another machine, which would send the token readable " +
            "on the network; use https:// (and --fingerprint for the host's own certificate), or http:// to 127.0.0.1 only."),
            (elsewhere.ExitCode, NubeCli.Flat(elsewhere.Stderr)));
        var local = await NubeCli.RunAsync(host, "--url", $"http://127.0.0.1:{port}/", "--token-file", tokenFile, "host", "info");
        Assert.True(local.ExitCode == 0, local.Stderr);
    }

    [Fact]
    public async Task The_cli_pins_the_self_signed_certificate_by_its_fingerprint()
    {
        var port = RemoteApi.FreePort();
        await using var host = await NubedHost.StartAsync(output, "--listen", $"https://127.0.0.1:{port}");
        await host.Client.AddUserAsync("alice", "correct horse");
        var tokenFile = Path.Combine(host.Root, "alice.token");
        await File.WriteAllTextAsync(tokenFile, (await host.Client.CreateTokenAsync(new() { Name = "cli", UserName = "alice" })).Secret);
        var fingerprint = (await host.Client.GetHostAsync()).Remote.CertificateFingerprint!;
        string[] remote = ["--url", $"https://127.0.0.1:{port}/", "--token-file", tokenFile];

        var pinned = await NubeCli.RunAsync(host, [.. remote, "--fingerprint", fingerprint, "host", "info", "--json"]);
        Assert.True(pinned.ExitCode == 0, pinned.Stderr);
        Assert.Contains(fingerprint, pinned.Stdout);

        var untrusted = await NubeCli.RunAsync(host, [.. remote, "host", "info"]);
        Assert.Equal(6, untrusted.ExitCode);
        Assert.Equal($"error: The certificate of the host service at https://127.0.0.1:{port}/ is not trusted (RemoteCertificateChainErrors). " +
            $"If 'nube host info' on the host shows the fingerprint {fingerprint}, pass --fingerprint {fingerprint} (or set NUBE_FINGERPRINT).",
            NubeCli.Flat(untrusted.Stderr));

        var wrong = "00:" + fingerprint[3..];
        var mismatch = await NubeCli.RunAsync(host, [.. remote, "--fingerprint", wrong, "host", "info"]);
        Assert.Equal(6, mismatch.ExitCode);
        Assert.Equal($"error: The host service at https://127.0.0.1:{port}/ presented a certificate whose SHA-256 fingerprint is {fingerprint}, " +
            $"not the {wrong} given with --fingerprint (or NUBE_FINGERPRINT): refusing to talk to it. Compare with 'nube host info' on the host.",
            NubeCli.Flat(mismatch.Stderr));
    }

    private static string Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256)).Chunk(2).Select(c => new string(c)));

    /// <summary>The certificate the listener presents in a TLS handshake.</summary>
    private static async Task<X509Certificate2> PresentedAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        X509Certificate2? seen = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, c, _, _) =>
        {
            seen = new X509Certificate2(c!);
            return true;
        });
        await tls.AuthenticateAsClientAsync("127.0.0.1").WaitAsync(TimeSpan.FromSeconds(30));
        return seen!;
    }

    /// <summary>Whether something accepts TCP connections on the port.</summary>
    private static async Task<bool> ListensAsync(int port)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Whether nubed answers there (with its refusal of a request without credentials), within a bounded wait.</summary>
    private static async Task<bool> AnswersAsync(int port, bool tls = false)
    {
        using var api = RemoteApi.Loopback(port, tls);
        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            try
            {
                using var response = await api.GetAsync("api/v1/host");
                return response.StatusCode == HttpStatusCode.Unauthorized;
            }
            catch (HttpRequestException)
            {
                // Not yet bound: a change made over TCP is answered before the listener moves.
            }
        }
        return false;
    }

    private static async Task<(string Certificate, string Key)> WriteCertificateAsync(string folder, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var (certificatePath, keyPath) = (Path.Combine(folder, $"{name}.crt"), Path.Combine(folder, $"{name}.key"));
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
