using System.Text.Json;
using Nube.Contracts.Client;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>nube user, nube token and host set's remote-management options, end to end.</summary>
public sealed class AuthCliTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Users_are_added_listed_given_new_passwords_and_removed_with_one_line_results()
    {
        await using var host = await NubedHost.StartAsync(output);
        var passwordFile = Path.Combine(host.Root, "password");
        await File.WriteAllTextAsync(passwordFile, "correct horse\nsecond line ignored\n");

        var added = await NubeCli.RunAsync(host, "user", "add", "alice", "--password-file", passwordFile);
        Assert.True(added.ExitCode == 0, added.Stderr);
        Assert.Equal("Added user 'alice'.\n", added.Stdout);
        var piped = await NubeCli.RunAsync(host, "battery staple\n", TimeSpan.FromSeconds(60), "user", "add", "bob");
        Assert.Equal("Added user 'bob'.\n", piped.Stdout);
        var invalid = await NubeCli.RunAsync(host, "short\n", TimeSpan.FromSeconds(60), "user", "add", "Carol");
        Assert.Equal(5, invalid.ExitCode);
        Assert.Equal("error: name: 'Carol' contains 'C'; a user name has lowercase letters, digits, '_', '.' and '-', " +
            "and begins with a letter or '_' password: has 5 characters; a password needs 8 to 1024 characters", NubeCli.Flat(invalid.Stderr));

        var list = await NubeCli.RunAsync(host, "user", "list", "--json");
        Assert.Equal(["alice", "bob"], JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Select(u => u.GetProperty("name").GetString()));
        Assert.Contains("alice", (await NubeCli.RunAsync(host, "user", "list")).Stdout);

        var passwd = await NubeCli.RunAsync(host, "a new password\n", TimeSpan.FromSeconds(60), "user", "passwd", "alice");
        Assert.Equal("Changed the password of 'alice'; its sessions are ended.\n", passwd.Stdout);

        var removed = await NubeCli.RunAsync(host, "user", "remove", "alice");
        Assert.Equal("Removed user 'alice', with its API tokens and sessions.\n", removed.Stdout);
        var again = await NubeCli.RunAsync(host, "user", "remove", "alice");
        Assert.Equal(3, again.ExitCode);
        Assert.Equal("error: There is no user 'alice'.", NubeCli.Flat(again.Stderr));
    }

    [Fact]
    public async Task A_token_is_printed_once_works_over_tcp_and_stops_when_revoked()
    {
        var port = RemoteApi.FreePort();
        await using var host = await NubedHost.StartAsync(output, "--listen", $"http://127.0.0.1:{port}");
        await host.Client.AddUserAsync("alice", "correct horse");

        var nameless = await NubeCli.RunAsync(host, "token", "new", "ci");
        Assert.Equal(5, nameless.ExitCode);
        var made = await NubeCli.RunAsync(host, "token", "new", "ci", "--user", "alice", "--expires-in-days", "30");
        Assert.True(made.ExitCode == 0, made.Stderr);
        var secret = made.Stdout.TrimEnd('\n');
        Assert.Matches("^nube_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", secret);
        var id = secret.Split('_')[1];
        Assert.StartsWith($"Made token {id} ('ci') for alice, expiring ", NubeCli.Flat(made.Stderr));

        using var client = NubeApiClient.ForUrl(new Uri($"http://127.0.0.1:{port}/"), secret);
        Assert.Equal("nube", (await client.GetHostAsync()).Edition);
        var listed = await NubeCli.RunAsync(host, "token", "list");
        Assert.Contains(id, listed.Stdout);
        Assert.DoesNotContain(secret, listed.Stdout);

        var revoked = await NubeCli.RunAsync(host, "token", "revoke", id);
        Assert.Equal($"Revoked token {id} ('ci') of alice.\n", revoked.Stdout);
        Assert.Equal(401, (await Assert.ThrowsAsync<NubeApiException>(() => client.GetHostAsync())).Status);
        var tokenFile = Path.Combine(host.Root, "ci.token");
        await File.WriteAllTextAsync(tokenFile, secret);
        var refused = await NubeCli.RunAsync(host, "--url", $"http://127.0.0.1:{port}/", "--token-file", tokenFile, "host", "info");
        Assert.Equal((7, "error: The bearer token is not valid: revoked, expired, of a removed user, or mistyped."), (refused.ExitCode, NubeCli.Flat(refused.Stderr)));
        Assert.Equal(3, (await NubeCli.RunAsync(host, "token", "revoke", id)).ExitCode);
    }

    [Fact]
    public async Task Host_set_turns_remote_management_on_and_host_info_shows_where()
    {
        await using var host = await NubedHost.StartAsync(output);
        var port = RemoteApi.FreePort();

        var set = await NubeCli.RunAsync(host, "host", "set", "--remote", "on", "--remote-address", "127.0.0.1",
            "--remote-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tls", "off");
        Assert.True(set.ExitCode == 0, set.Stderr);
        Assert.Equal("Changed the host's settings: remote.\n", set.Stdout);
        var info = NubeCli.Flat((await NubeCli.RunAsync(host, "host", "info")).Stdout);
        Assert.Matches($@"Remote management\s+│ on: http://127\.0\.0\.1:{port}/ \(no TLS, listening on 127\.0\.0\.1:{port}\)", info);
        // The settings it was not given stay as they were.
        Assert.Contains(TestGuest.Directory, info);
        // The host's id, which its events and jobs carry, is the one its data directory keeps.
        Assert.Equal(Guid.Parse(File.ReadAllText(Path.Combine(host.DataDir, "host-id")).Trim()), (await host.Client.GetHostAsync()).HostId);
        // The machine types new VMs are pinned to, from this host's QEMU.
        Assert.Matches(@"Machine types of new VMs\s+│ pc-i440fx-[0-9]+\.[0-9]+, pc-q35-[0-9]+\.[0-9]+", info);

        var bad = await NubeCli.RunAsync(host, "host", "set", "--tls", "maybe");
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: --tls: 'maybe' is not on or off.", NubeCli.Flat(bad.Stderr));
    }

    [Fact]
    public async Task Host_set_turns_the_web_console_off_and_on_and_host_info_shows_it()
    {
        await using var host = await NubedHost.StartAsync(output);
        Assert.Matches(@"Web console\s+│ on, served once remote management is on", NubeCli.Flat((await NubeCli.RunAsync(host, "host", "info")).Stdout));

        var off = await NubeCli.RunAsync(host, "host", "set", "--web-console", "off");
        Assert.True(off.ExitCode == 0, off.Stderr);
        Assert.Equal("Changed the host's settings: webConsole.\n", off.Stdout);
        Assert.False((await host.Client.GetHostAsync()).WebConsole);
        Assert.Matches(@"Web console\s+│ off \(the listener serves the API only\)", NubeCli.Flat((await NubeCli.RunAsync(host, "host", "info")).Stdout));
        var json = await NubeCli.RunAsync(host, "host", "info", "--json");
        Assert.False(JsonDocument.Parse(json.Stdout).RootElement.GetProperty("webConsole").GetBoolean());

        var bad = await NubeCli.RunAsync(host, "host", "set", "--web-console", "maybe");
        Assert.Equal((2, "error: --web-console: 'maybe' is not on or off."), (bad.ExitCode, NubeCli.Flat(bad.Stderr)));
        Assert.False((await host.Client.GetHostAsync()).WebConsole);

        var port = RemoteApi.FreePort();
        var on = await NubeCli.RunAsync(host, "host", "set", "--web-console", "on", "--remote", "on", "--remote-address", "127.0.0.1",
            "--remote-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tls", "off");
        Assert.Equal("Changed the host's settings: remote, webConsole.\n", on.Stdout);
        Assert.True((await host.Client.GetHostAsync()).WebConsole);
        Assert.Matches($@"Web console\s+│ on: http://127\.0\.0\.1:{port}/", NubeCli.Flat((await NubeCli.RunAsync(host, "host", "info")).Stdout));
    }
}
