using System.Text.Json;
using Nube.Contracts.Hosts;
using Nube.Contracts.Vms;
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

    [Fact]
    public async Task A_move_check_names_every_problem_at_either_end_and_passes_once_they_are_gone()
    {
        var port = RemoteApi.FreePort();
        await using var a = await NubedHost.StartAsync(output);
        await using var b = await NubedHost.StartAsync(output, "--listen", $"https://127.0.0.1:{port}");
        await b.Client.AddUserAsync("ops", "correct horse");
        var tokenFile = Path.Combine(a.Root, "b.token");
        await File.WriteAllTextAsync(tokenFile, (await b.Client.CreateTokenAsync(new() { Name = "peer a", UserName = "ops" })).Secret);
        await NubeCli.OkAsync(a, "host", "peer", "add", "b", "--url", $"https://127.0.0.1:{port}/",
            "--fingerprint", (await b.Client.GetHostAsync()).Remote.CertificateFingerprint!, "--peer-token-file", tokenFile);

        // A VM with a disk on a's storage: b has a VM of that name, does not reach the disk's folder, and only quick migration.
        var shared = Directory.CreateDirectory(Path.Combine(a.Root, "shared")).FullName;
        var disk = Path.Combine(shared, "mover.qcow2");
        Assert.Equal(0, (await HostProgram.RunAsync("qemu-img", "create", "-q", "-f", "qcow2", disk, "64M")).ExitCode);
        await a.Client.CreateVmAsync(NubedHost.GuestSettings("mover") with
        {
            NetworkAdapters = [],
            ScsiControllers = [new ScsiControllerSettings { Disks = [new ScsiDiskSettings { Location = 0, Path = disk }] }],
        });
        await b.Client.CreateVmAsync(NubedHost.GuestSettings("mover") with { NetworkAdapters = [] });
        await b.Client.SetHostAsync(new HostSettings { Edition = "ws2008r2-standard" });

        var off = await NubeCli.RunAsync(a, "vm", "move-check", "mover", "--to", "b");
        Assert.Equal(4, off.ExitCode);
        var said = NubeCli.Flat(off.Stdout + off.Stderr);
        Assert.Contains("state: VM 'mover' is off; a live migration moves a running or paused VM", said, StringComparison.Ordinal);
        Assert.Contains("at b: the destination: live migration: edition 'ws2008r2-standard' does not offer live migration", said, StringComparison.Ordinal);
        Assert.Contains("at b: name: 'mover'", said, StringComparison.Ordinal);
        Assert.Contains($"at b: scsiControllers[0].disks[0].path: '{disk}'", said, StringComparison.Ordinal);
        Assert.Contains("VM 'mover' cannot move to b live: ", said, StringComparison.Ordinal);
        // Nothing changed anywhere: b has one VM, its own.
        Assert.Single(await b.Client.ListVmsAsync());

        // Running, with b's VM gone, the folder a storage root of b's: it can move by quick migration, and live once b's edition offers it.
        await a.Client.RunJobAsync("mover", "start");
        await b.Client.RemoveVmAsync("mover");
        await b.Client.SetHostAsync(new HostSettings { StorageRoots = [TestGuest.Directory, shared] });
        Assert.Equal("VM 'mover' can move to b by quick migration.", (await NubeCli.OkAsync(a, "vm", "move-check", "mover", "--to", "b", "--quick")).Stdout.Trim());
        await b.Client.SetHostAsync(new HostSettings { Edition = "nube" });
        var check = await a.Client.Migrations.CheckAsync("mover", "b");
        Assert.True(check.CanMove, string.Join("; ", check.Problems.Select(p => p.Message)));
        var unknown = await NubeCli.RunAsync(a, "vm", "move-check", "mover", "--to", "c");
        Assert.Contains("to: 'c' is not a peer of this host (it has b)", NubeCli.Flat(unknown.Stderr), StringComparison.Ordinal);
        await a.Client.RunJobAsync("mover", "turn-off");
    }
}
