using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Nube.Contracts.Client;
using Nube.Contracts.Events;
using Nube.Core.Editions;
using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// The API's own edges: the serial console WebSocket, the TCP listener's token, and what a client
/// reads instead of copying the host's rules (allowed actions, device limits).
/// </summary>
public sealed class ApiTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Each_vm_carries_its_allowed_actions_live_and_the_host_its_device_limits()
    {
        await using var host = await NubedHost.StartAsync(output);
        var info = await host.Client.GetHostAsync();
        Assert.True(Editions.TryGet(info.Edition, out var edition));
        Assert.Equal((2, 2), (info.Limits.MaxIdeControllers, info.Limits.IdeLocationsPerController));
        Assert.Equal((edition.MaxScsiControllers, edition.ScsiTargetsPerController, edition.MaxScsiDevices),
            (info.Limits.MaxScsiControllers, info.Limits.ScsiTargetsPerController, info.Limits.MaxScsiDevices));
        Assert.True(info.Limits.ScsiTargetsPerController > 0);

        var vm = await host.CreateGuestVmAsync("actions");
        Assert.Equal(VmActions.Allowed(VmState.Off), vm.Summary.AllowedActions);
        Assert.Contains("apply-checkpoint", vm.Summary.AllowedActions);
        using var follow = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var running = Task.Run(async () =>
        {
            await foreach (var e in host.Client.FollowEventsAsync(ct: follow.Token))
            {
                if (e.VmId == vm.Summary.Id && e is { Type: HostEventTypes.VmStateChanged, State: "running" })
                    return e;
            }
            throw new InvalidOperationException("the stream ended");
        }, follow.Token);
        await Task.Delay(300);
        await host.Client.RunJobAsync("actions", "start");

        // The state's event brings the new actions with it; the list says the same.
        Assert.Equal(VmActions.Allowed(VmState.Running), (await running.WaitAsync(follow.Token)).AllowedActions);
        var listed = (await host.Client.ListVmsAsync()).Single(s => s.Id == vm.Summary.Id);
        Assert.Equal(["stop", "turn-off", "pause", "save", "new-checkpoint", "remove-checkpoint", "move"], listed.AllowedActions);
        // What is not offered is refused, with the host's reason.
        var refused = await Assert.ThrowsAsync<NubeApiException>(async () =>
            await host.Client.WaitJobAsync((await host.Client.StartApplyCheckpointAsync("actions", "none-yet")).Id));
        Assert.Contains("it is running; turn it off or save it first", refused.Message);
    }

    [Fact]
    public async Task The_console_carries_keystrokes_to_the_guest_shell_and_its_output_back()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.CreateGuestVmAsync("talker");
        await host.Client.RunJobAsync("talker", "start");
        Assert.True((await host.Client.GetVmAsync("talker", 60)).GuestAgent?.Responding);

        using var ws = await host.Client.OpenConsoleAsync("talker");
        // Enter wakes the guest's console shell; the arithmetic proves the guest, not an echo, answered.
        await SendAsync(ws, "\r");
        await Task.Delay(500);
        await SendAsync(ws, "echo console-$((6*7))\r");
        var seen = await ReadUntilAsync(ws, "console-42", TimeSpan.FromSeconds(20));
        Assert.Contains("console-42", seen);
    }

    [Fact]
    public async Task The_cli_console_takes_scripted_input_and_detaches_after_the_linger()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.CreateGuestVmAsync("scripted");
        await host.Client.RunJobAsync("scripted", "start");
        Assert.True((await host.Client.GetVmAsync("scripted", 60)).GuestAgent?.Responding);

        var r = await NubeCli.RunAsync(host, "\recho cli-$((6*7))\r", TimeSpan.FromSeconds(30), "vm", "console", "scripted", "--linger", "3");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("cli-42", r.Stdout);
    }

    [Fact]
    public async Task The_console_log_stays_capped_however_much_the_guest_prints()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.CreateGuestVmAsync("chatty");
        await host.Client.RunJobAsync("chatty", "start", agentWaitSeconds: 60);

        // 2.5 MiB on COM1: more than the log's two files of 1 MiB hold. An emulated UART under TCG
        // on a loaded machine may take over a minute for it.
        await GuestShell.RunAsync(host, vm.Summary.Id, "dd if=/dev/zero bs=1024 count=2560 2>/dev/null | tr '\\0' x; echo",
            TimeSpan.FromMinutes(3));
        await GuestShell.RunAsync(host, vm.Summary.Id, "echo after-the-flood-$((6*7))");

        var log = new FileInfo(host.SerialLog(vm.Summary.Id));
        var older = new FileInfo(log.FullName + ".1");
        Assert.InRange(log.Length, 1, 1 << 20);
        Assert.InRange(older.Length, 1, 1 << 20);
        Assert.Contains("after-the-flood-42", await File.ReadAllTextAsync(log.FullName));
        Assert.Equal(["com1.log", "com1.log.1", "qemu.log", "vm.json"], Directory.GetFiles(log.DirectoryName!).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task The_console_of_a_vm_that_is_off_is_refused()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.CreateGuestVmAsync("quiet");
        var e = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.OpenConsoleAsync("quiet"));
        Assert.Equal("VM 'quiet' is off: its console is there only while it runs.", e.Message);
    }

    [Fact]
    public async Task The_tcp_listener_requires_the_bearer_token()
    {
        var port = FreePort();
        var tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(tokenFile, "s3cret-token\n");
        try
        {
            await using var host = await NubedHost.StartAsync(output, "--listen", $"http://127.0.0.1:{port}", "--token-file", tokenFile);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var anonymous = await http.GetAsync("api/v1/host");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("api/v1/host")).StatusCode);

            using var client = NubeApiClient.ForUrl(new Uri($"http://127.0.0.1:{port}/"), "s3cret-token");
            Assert.Equal("nube", (await client.GetHostAsync()).Edition);
            // The UNIX socket needs no token: its file mode admits root only.
            Assert.Equal("nube", (await host.Client.GetHostAsync()).Edition);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(host.Socket));
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Fact]
    public async Task A_misspelt_or_malformed_body_gets_a_problem_that_says_why()
    {
        await using var host = await NubedHost.StartAsync(output);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(host.Socket), ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        }) { BaseAddress = new Uri("http://nubed/") };

        var misspelt = await http.PostAsync("api/v1/vms", new StringContent("""{"name":"x","cpus":2}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
        Assert.Equal("application/problem+json", misspelt.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("cpus: not a field of this request; the fields here are name, generation, secureBoot, pcieRootPorts, machine, processorModel, processorCount, ",
            System.Text.Json.JsonDocument.Parse(await misspelt.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());

        var truncated = await http.PostAsync("api/v1/vms", new StringContent("""{"name":""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, truncated.StatusCode);
        Assert.Empty(await host.Client.ListVmsAsync());
    }

    private static async Task SendAsync(WebSocket ws, string text) =>
        await ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Binary, true, CancellationToken.None);

    private static async Task<string> ReadUntilAsync(WebSocket ws, string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        while (!seen.ToString().Contains(text))
        {
            var r = await ws.ReceiveAsync(buffer, cts.Token);
            if (r.MessageType == WebSocketMessageType.Close)
                break;
            seen.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
        }
        return seen.ToString();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
