using System.Net;
using System.Net.Sockets;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// <c>nube sconfig</c> on an 80x24 terminal (tmux), driven by keys and read from the screen, against
/// a real nubed that has a host of its own (<see cref="HostNamespace"/>): what the menu changes in
/// the host name and /etc happens there, and the test checks that the machine's own did not change.
/// </summary>
public sealed class SconfigTests(ITestOutputHelper output)
{
    private const string Prompt = "Enter number to select an option:";
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_menu_shows_the_host_and_changes_its_name_and_remote_management()
    {
        var machine = await MachineAsync();
        var port = FreePort();
        var newName = $"sconfig-{Guid.NewGuid():N}"[..20];
        await using (var host = await NubedHost.StartWrappedAsync(output, HostNamespace.Wrap))
        {
            var pid = host.Process.Id;
            await using var tmux = await TmuxSession.StartAsync(host.Root, 80, 24, Cli(host));

            var screen = await tmux.WaitForPromptAsync(Prompt, timeout: Step);
            AssertMenu(screen);
            Assert.Contains("1) Cluster membership:              Stand-alone", screen);
            Assert.Contains($"2) Host name:                       {machine.HostName}", screen);
            Assert.Contains("4) Configure remote management      Off", screen);
            Assert.Contains("7) Web console:                     Enabled", screen);
            Assert.Contains("10) Show this menu at login:        Off", screen);
            Assert.Contains("11) Failover clustering feature:    Disabled", screen);

            await tmux.TypeLineAsync("99");
            AssertMenu(await tmux.WaitForPromptAsync(Prompt, "'99' is not an option; enter a number from 1 to 15.", Step));

            await tmux.TypeLineAsync("2");
            await tmux.WaitForPromptAsync("Enter the new host name (blank to keep it):", timeout: Step);
            await tmux.TypeLineAsync("bad_name!");
            AssertMenu(await tmux.WaitForPromptAsync(Prompt,
                "error: hostName: 'bad_name!' contains '_' and '!'; a host name may hold only letters, digits, hyphens and dots", Step));
            Assert.Equal(machine.HostName, await HostNamespace.RunAsync(pid, "hostname"));

            await tmux.TypeLineAsync("2");
            await tmux.WaitForPromptAsync("Enter the new host name (blank to keep it):", timeout: Step);
            await tmux.TypeLineAsync(newName);
            screen = await tmux.WaitForPromptAsync(Prompt, $"The host name is now {newName}.", Step);
            Assert.Contains($"2) Host name:                       {newName}", screen);
            Assert.Equal(newName, await HostNamespace.RunAsync(pid, "hostname"));
            Assert.Equal(newName, await HostNamespace.RunAsync(pid, "cat", "/etc/hostname"));
            Assert.Contains($"127.0.1.1\t{newName}", await HostNamespace.RunAsync(pid, "cat", "/etc/hosts"));
            Assert.Equal(newName, (await host.Client.GetHostSystemAsync()).HostName);
            Assert.Equal(machine, await MachineAsync());

            await tmux.TypeLineAsync("4");
            screen = await tmux.WaitForPromptAsync(Prompt, "8) Back to the main menu", Step);
            Assert.Contains("Remote management: the API and the web console over TCP", screen);
            Assert.Contains("  Listener:     Off", screen);
            await tmux.TypeLineAsync("3");
            await tmux.WaitForPromptAsync("Enter the port, 1 to 65535 (now 8006; blank to keep it):", timeout: Step);
            await tmux.TypeLineAsync("http");
            await tmux.WaitForPromptAsync(Prompt, "error: 'http' is not a port number; enter a number from 1 to 65535.", Step);
            await tmux.TypeLineAsync("3");
            await tmux.WaitForPromptAsync("Enter the port, 1 to 65535 (now 8006; blank to keep it):", timeout: Step);
            await tmux.TypeLineAsync(port.ToString());
            await tmux.WaitForPromptAsync(Prompt, $"Remote management is off: 0.0.0.0 port {port}, TLS on.", Step);
            await tmux.TypeLineAsync("1");
            screen = await tmux.WaitForPromptAsync(Prompt, $"Remote management is on: 0.0.0.0 port {port}, TLS on.", Step);
            Assert.Contains("  Listener:     On", screen);
            var remote = (await host.Client.GetHostAsync()).Remote;
            Assert.True(remote.Enabled);
            Assert.Equal(port, remote.Port);
            await tmux.TypeLineAsync("8");
            // The main menu, not the remote-management screen still shown with the same prompt.
            screen = await tmux.WaitForPromptAsync(Prompt, "15) Exit to command line", Step);
            var item4 = screen.Split('\n').Single(l => l.StartsWith("4) ", StringComparison.Ordinal));
            Assert.StartsWith("4) Configure remote management      On, ", item4);
            Assert.Contains(port.ToString(), item4);

            await tmux.TypeLineAsync("15");
            Assert.Equal(0, await ExitCodeAsync(tmux));
        }
        // The namespaces ended with nubed; the machine kept its name and its /etc.
        Assert.Equal(machine, await MachineAsync());
    }

    [Fact]
    public async Task It_adds_a_user_turns_the_listener_on_and_makes_and_revokes_a_token_that_works_over_tcp()
    {
        await using var host = await NubedHost.StartAsync(output);
        var port = FreePort();
        await using var tmux = await TmuxSession.StartAsync(host.Root, 80, 24, Cli(host));
        await tmux.WaitForPromptAsync(Prompt, timeout: Step);

        // Item 3: the passwords are typed without echo; a second that differs adds nobody.
        await tmux.TypeLineAsync("3");
        var screen = await tmux.WaitForPromptAsync("Name of the new local administrator (blank to go back):", timeout: Step);
        Assert.Contains("No users yet.", screen);
        await tmux.TypeLineAsync("alice");
        await tmux.WaitForPromptAsync("Password for alice:", timeout: Step);
        await tmux.TypeLineAsync("correct horse");
        await tmux.WaitForPromptAsync("The same password again:", timeout: Step);
        await tmux.TypeLineAsync("correct house");
        screen = await tmux.WaitForPromptAsync(Prompt, "error: the two passwords differ; no user was added.", Step);
        AssertMenu(screen);
        Assert.Empty(await host.Client.ListUsersAsync());

        await tmux.TypeLineAsync("3");
        await tmux.WaitForPromptAsync("Name of the new local administrator (blank to go back):", timeout: Step);
        await tmux.TypeLineAsync("alice");
        await tmux.WaitForPromptAsync("Password for alice:", timeout: Step);
        await tmux.TypeLineAsync("correct horse");
        screen = await tmux.WaitForPromptAsync("The same password again:", timeout: Step);
        Assert.DoesNotContain("correct horse", screen);
        await tmux.TypeLineAsync("correct horse");
        await tmux.WaitForPromptAsync(Prompt, "User 'alice' was added; it signs in to the web console and the API.", Step);

        // Item 4: the listener, on loopback without TLS, really opens.
        await tmux.TypeLineAsync("4");
        await tmux.WaitForPromptAsync(Prompt, "8) Back to the main menu", Step);
        await tmux.TypeLineAsync("2");
        await tmux.WaitForPromptAsync("Enter the IP address to listen on, such as 0.0.0.0 or 127.0.0.1 (now 0.0.0.0; blank to keep it):", timeout: Step);
        await tmux.TypeLineAsync("127.0.0.1");
        await tmux.WaitForPromptAsync(Prompt, "Remote management is off: 127.0.0.1 port 8006, TLS on.", Step);
        await tmux.TypeLineAsync("3");
        await tmux.WaitForPromptAsync("Enter the port, 1 to 65535 (now 8006; blank to keep it):", timeout: Step);
        await tmux.TypeLineAsync(port.ToString());
        await tmux.WaitForPromptAsync(Prompt, $"Remote management is off: 127.0.0.1 port {port}, TLS on.", Step);
        await tmux.TypeLineAsync("4");
        await tmux.WaitForPromptAsync("Turn TLS off? Passwords and tokens would cross the network in clear text (y/N):", timeout: Step);
        await tmux.TypeLineAsync("y");
        await tmux.WaitForPromptAsync(Prompt, $"Remote management is off: 127.0.0.1 port {port}, TLS off.", Step);
        await tmux.TypeLineAsync("1");
        screen = await tmux.WaitForPromptAsync(Prompt, $"Remote management is on: 127.0.0.1 port {port}, TLS off.", Step);
        Assert.Contains($"  Listener:     On, http://127.0.0.1:{port}/", screen);

        using var remote = RemoteApi.Loopback(port);
        var alice = await remote.SignInAsync("alice", "correct horse");
        Assert.Equal("alice", alice.Session.UserName);
        using (var users = await remote.GetAsync("api/v1/users", alice.WithoutCsrf))
        {
            Assert.Equal(HttpStatusCode.OK, users.StatusCode);
            var names = System.Text.Json.JsonDocument.Parse(await users.Content.ReadAsStringAsync()).RootElement.EnumerateArray();
            Assert.Equal(["alice"], names.Select(u => u.GetProperty("name").GetString()));
        }

        // The secret shows once, works as a bearer token over TCP, and stops when revoked.
        await tmux.TypeLineAsync("6");
        await tmux.WaitForPromptAsync("Name of the new token, such as backup-script (blank to go back):", timeout: Step);
        await tmux.TypeLineAsync("ci");
        await tmux.WaitForPromptAsync("The user it acts as:", timeout: Step);
        await tmux.TypeLineAsync("alice");
        await tmux.WaitForPromptAsync("Days until it expires (blank: never):", timeout: Step);
        await tmux.TypeLineAsync("");
        screen = await tmux.WaitForPromptAsync("Press Enter to return to the menu.", timeout: Step);
        var secret = Assert.Single(screen.Split('\n'), l => l.StartsWith("nube_", StringComparison.Ordinal)).TrimEnd();
        Assert.Matches("^nube_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", secret);
        await tmux.TypeLineAsync("");
        screen = await tmux.WaitForPromptAsync(Prompt, "Token 'ci' was made.", Step);
        Assert.DoesNotContain(secret, screen);
        Assert.Contains("  API tokens:   1", screen);
        var bearer = new RemoteApi.Credentials(Bearer: secret);
        using (var hostInfo = await remote.GetAsync("api/v1/host", bearer))
            Assert.Equal(HttpStatusCode.OK, hostInfo.StatusCode);

        await tmux.TypeLineAsync("7");
        screen = await tmux.WaitForPromptAsync("Number of the token to revoke (blank to go back):", timeout: Step);
        Assert.Contains("ci", screen);
        await tmux.TypeLineAsync("1");
        await tmux.WaitForPromptAsync("Revoke token 'ci'? Clients that use it lose access (y/N):", timeout: Step);
        await tmux.TypeLineAsync("y");
        screen = await tmux.WaitForPromptAsync(Prompt, "Token 'ci' was revoked.", Step);
        Assert.Contains("  API tokens:   0", screen);
        using (var refused = await remote.GetAsync("api/v1/host", bearer))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        await tmux.TypeLineAsync("8");
        await tmux.WaitForPromptAsync(Prompt, timeout: Step);
        await tmux.TypeLineAsync("15");
        Assert.Equal(0, await ExitCodeAsync(tmux));
    }

    [Fact]
    public async Task On_a_dumb_terminal_it_sets_the_time_zone_and_the_menu_at_login_and_asks_before_logging_off()
    {
        var machine = await MachineAsync();
        await using (var host = await NubedHost.StartWrappedAsync(output, HostNamespace.Wrap))
        {
            var pid = host.Process.Id;
            await using var tmux = await TmuxSession.StartAsync(host.Root, 80, 24, ["env", "TERM=dumb", .. Cli(host)]);
            var screen = await tmux.WaitForPromptAsync(Prompt, timeout: Step);
            // Item 8 names the first interface that is up with an address, as the API lists them.
            var active = (await host.Client.GetHostSystemAsync()).Interfaces.FirstOrDefault(i => i.State == "up" && i.Addresses.Count > 0);
            Assert.Contains(active is null ? "8) Network settings:                No active network adapters found."
                : $"8) Network settings:                {active.Name} {active.Addresses[0]}", screen);
            Assert.DoesNotContain("\u001b", screen);

            await tmux.TypeLineAsync("9");
            await tmux.WaitForPromptAsync("Enter a time zone such as Europe/Berlin or UTC (blank to keep it):", timeout: Step);
            await tmux.TypeLineAsync("Mars/Olympus");
            await tmux.WaitForPromptAsync(Prompt,
                "error: timeZone: 'Mars/Olympus' is not in the time zone database (/usr/share/zoneinfo); use a name such as Europe/Berlin or UTC", Step);
            await tmux.TypeLineAsync("9");
            await tmux.WaitForPromptAsync("Enter a time zone such as Europe/Berlin or UTC (blank to keep it):", timeout: Step);
            await tmux.TypeLineAsync("Asia/Tokyo");
            screen = await tmux.WaitForPromptAsync(Prompt, "The time zone is now Asia/Tokyo", Step);
            Assert.Contains("9) Date and time:                   Asia/Tokyo, ", screen);
            Assert.Equal("Asia/Tokyo", await HostNamespace.RunAsync(pid, "cat", "/etc/timezone"));
            Assert.Equal("/usr/share/zoneinfo/Asia/Tokyo", await HostNamespace.RunAsync(pid, "readlink", "/etc/localtime"));

            await tmux.TypeLineAsync("10");
            screen = await tmux.WaitForPromptAsync(Prompt, "This menu now opens at every interactive root login.", Step);
            Assert.Contains("10) Show this menu at login:        On", screen);
            Assert.Contains("nube sconfig", await HostNamespace.RunAsync(pid, "cat", "/etc/profile.d/nube-sconfig.sh"));

            await tmux.TypeLineAsync("12");
            await tmux.WaitForPromptAsync("Log off? The shell that started this menu ends (y/N):", timeout: Step);
            await tmux.TypeLineAsync("");
            await tmux.WaitForPromptAsync(Prompt, "Nothing was changed.", Step);
            Assert.Null(await tmux.ExitCodeAsync());

            await tmux.TypeLineAsync("15");
            Assert.Equal(0, await ExitCodeAsync(tmux));
        }
        Assert.Equal(machine, await MachineAsync());
    }

    [Fact]
    public async Task With_piped_input_it_answers_each_entry_and_ends_with_the_input()
    {
        await using var host = await NubedHost.StartWrappedAsync(output, HostNamespace.Wrap);
        var result = await NubeCli.RunAsync(host, "0\n2\nbad_name!\n11\n", Step, "sconfig");
        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n');
        // Each answer is echoed after its prompt; what it did shows above the next prompt.
        Assert.Equal(
        [
            "Enter number to select an option: 0",
            "'0' is not an option; enter a number from 1 to 15.",
            "Enter number to select an option: 2",
            "Enter the new host name (blank to keep it): bad_name!",
            "error: hostName: 'bad_name!' contains '_' and '!'; a host name may hold only letters, digits, hyphens and dots",
            "Enter number to select an option: 11",
            "Failover clustering is not available until the cluster is built (a later version of Nube).",
            "Enter number to select an option: ",
        ], lines.Where(l => l.StartsWith("Enter ", StringComparison.Ordinal) || l.StartsWith('\'') || l.StartsWith("error", StringComparison.Ordinal)
            || l.StartsWith("Failover", StringComparison.Ordinal)));
        Assert.Equal(4, lines.Count(l => l.StartsWith("15) Exit to command line", StringComparison.Ordinal)));
        Assert.DoesNotContain("\u001b", result.Stdout);
    }

    /// <summary>The machine's own host name, /etc/hostname and menu at login, which no test may change.</summary>
    private sealed record Machine(string HostName, string HostNameFile, bool LoginMenu);

    private static async Task<Machine> MachineAsync() => new(
        await HostProgram.OutputAsync("hostname"),
        File.Exists("/etc/hostname") ? (await File.ReadAllTextAsync("/etc/hostname")).Trim() : "",
        File.Exists("/etc/profile.d/nube-sconfig.sh"));

    private static string[] Cli(NubedHost host) =>
        ["dotnet", Path.Combine(AppContext.BaseDirectory, "nube.dll"), "--socket", host.Socket, "sconfig"];

    /// <summary>The top of the menu is still on the screen (nothing scrolled off 24 lines), and no menu line is over 80 columns.</summary>
    private static void AssertMenu(string screen)
    {
        var lines = screen.Split('\n');
        Assert.StartsWith("=====", lines[0]);
        Assert.Contains("Nube Server Configuration", lines[1]);
        Assert.Contains("15) Exit to command line", screen);
        Assert.All(lines.Where(l => l.Length > 0 && (char.IsAsciiDigit(l[0]) || l[0] == '=')),
            l => Assert.True(l.Length <= 80, $"A menu line is wider than 80 columns: '{l}'"));
    }

    private static async Task<int?> ExitCodeAsync(TmuxSession tmux)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (await tmux.ExitCodeAsync() is null && deadline.Elapsed < Step)
            await Task.Delay(100);
        return await tmux.ExitCodeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
