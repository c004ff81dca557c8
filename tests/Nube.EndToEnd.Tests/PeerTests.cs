using System.Text.Json;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>Two hosts on this machine, on loopback: one trusts the other by its pinned certificate and a token of it.</summary>
public sealed class PeerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_host_trusts_a_peer_only_with_its_certificate_and_token_lists_it_live_and_forgets_it()
    {
        var port = RemoteApi.FreePort();
        await using var a = await NubedHost.StartAsync(output);
        var b = await NubedHost.StartAsync(output, "--listen", $"https://127.0.0.1:{port}");
        try
        {
            await b.Client.AddUserAsync("ops", "correct horse");
            var token = await b.Client.CreateTokenAsync(new() { Name = "peer a", UserName = "ops" });
            var tokenFile = Path.Combine(a.Root, "b.token");
            await File.WriteAllTextAsync(tokenFile, token.Secret + "\n");
            var wrongToken = Path.Combine(a.Root, "wrong.token");
            await File.WriteAllTextAsync(wrongToken, "nube_0000000000000000_00000000000000000000000000000000");
            var fingerprint = (await b.Client.GetHostAsync()).Remote.CertificateFingerprint!;
            var url = $"https://127.0.0.1:{port}/";
            var other = string.Join(':', Enumerable.Repeat("AB", 32));

            // Another certificate than the pinned one, a token the peer refuses, and an address without TLS: nothing is kept.
            var forged = await NubeCli.RunAsync(a, "host", "peer", "add", "b", "--url", url, "--fingerprint", other, "--peer-token-file", tokenFile);
            Assert.NotEqual(0, forged.ExitCode);
            Assert.Contains($"presents a certificate whose SHA-256 fingerprint is {fingerprint}, not the pinned {other}", NubeCli.Flat(forged.Stderr), StringComparison.Ordinal);
            var refused = await NubeCli.RunAsync(a, "host", "peer", "add", "b", "--url", url, "--fingerprint", fingerprint, "--peer-token-file", wrongToken);
            Assert.Contains($"{url} refused the token", NubeCli.Flat(refused.Stderr), StringComparison.Ordinal);
            var plain = await NubeCli.RunAsync(a, "host", "peer", "add", "b", "--url", $"http://127.0.0.1:{port}/", "--fingerprint", fingerprint, "--peer-token-file", tokenFile);
            Assert.Contains("is not a peer's API address, https://HOST:PORT/", NubeCli.Flat(plain.Stderr), StringComparison.Ordinal);
            Assert.Empty(await a.Client.Peers.ListAsync());

            var added = await NubeCli.OkAsync(a, "host", "peer", "add", "b", "--url", url, "--fingerprint", fingerprint.Replace(":", "").ToLowerInvariant(), "--peer-token-file", tokenFile);
            Assert.Matches(@$"^Added peer 'b' \(.+, QEMU [0-9.]+\) at {System.Text.RegularExpressions.Regex.Escape(url)}\.$", added.Stdout.Trim());
            var again = await NubeCli.RunAsync(a, "host", "peer", "add", "B", "--url", url, "--fingerprint", fingerprint, "--peer-token-file", tokenFile);
            Assert.Contains($"name: 'B' is already the peer at {url}", NubeCli.Flat(again.Stderr), StringComparison.Ordinal);

            // Asked now: reachable, with its QEMU and the machine types of its new VMs; the token is never shown, and kept for root only.
            var listed = NubeCli.Flat((await NubeCli.OkAsync(a, "host", "peer", "list")).Stdout);
            Assert.Matches(@"│ b\s+│ https://127\.0\.0\.1:[0-9]+/\s+│ .+│ reachable\s+│ [0-9.]+\s+│ pc-i440fx-[0-9.]+, pc-q35-[0-9.]+", listed);
            var json = (await NubeCli.OkAsync(a, "--json", "host", "peer", "list")).Stdout;
            Assert.DoesNotContain(token.Secret, json, StringComparison.Ordinal);
            using (var doc = JsonDocument.Parse(json))
                Assert.Equal(fingerprint, doc.RootElement[0].GetProperty("fingerprint").GetString());
            var kept = Path.Combine(a.DataDir, "peers.json");
            Assert.Contains(token.Secret, await File.ReadAllTextAsync(kept), StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kept));

            // The peer's service gone: listed as unreachable, and why; removed, it is forgotten.
            await b.KillServiceAsync();
            var down = NubeCli.Flat((await NubeCli.OkAsync(a, "host", "peer", "list")).Stdout);
            Assert.Contains("unreachable", down, StringComparison.Ordinal);
            Assert.Contains("did not answer", down, StringComparison.Ordinal);
            Assert.Equal("Removed peer 'b' (" + url + ").", (await NubeCli.OkAsync(a, "host", "peer", "remove", "b")).Stdout.Trim());
            Assert.Empty(await a.Client.Peers.ListAsync());
            var missing = await NubeCli.RunAsync(a, "host", "peer", "remove", "b");
            Assert.Contains("'b' is not a peer of this host (it has none)", NubeCli.Flat(missing.Stderr), StringComparison.Ordinal);
        }
        finally
        {
            await b.DisposeAsync();
        }
    }
}
