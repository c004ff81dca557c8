using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Nube.Contracts;
using Nube.Contracts.Client;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// The VM's display: the guest's console on its screen, screenshots (API and CLI), the VNC
/// WebSocket proxy, and both refused while the VM is off.
/// </summary>
public sealed class DisplayTests(ITestOutputHelper output)
{
    /// <summary>Full-block characters the guest writes to its screen's console: a bar no text draws.</summary>
    private const int MarkerCells = 64;

    private static readonly TimeSpan ScreenWait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_generation_1_screen_shows_the_guest_console_and_follows_what_the_guest_writes()
    {
        await using var host = await NubedHost.StartAsync(output);
        var id = (await host.CreateGuestVmAsync("screen1")).Summary.Id;
        await host.Client.RunJobAsync("screen1", "start", agentWaitSeconds: 120);

        var vm = await host.Client.GetVmAsync("screen1", 0);
        Assert.Contains(vm.Devices!, d => d is { Name: "Display", Kind: "emulated", Model: "VGA (std, Bochs VBE)" });
        var before = await WaitForScreenAsync(host, id, s => TextRows(s) > 0, "the guest's console text");
        await AssertGuestTextOnScreenAsync(host, id, before);
        await ShowMarkerAsync(host, id, before);

        // A paused VM still has its screen.
        await host.Client.RunJobAsync("screen1", "pause");
        var paused = PngImage.Decode(await host.Client.GetScreenshotAsync("screen1"));
        Assert.True(LongestLitRun(paused) >= MarkerCells * 8, "the paused screen lost the marker");
        await host.Client.RunJobAsync("screen1", "resume");

        // QEMU listens for viewers nowhere; the runtime folder is root's alone; each screenshot's file is gone after.
        var run = Path.Combine(host.RunDir, "vms", id.ToString());
        Assert.Equal(["-vnc", "none,share=force-shared"], File.ReadAllText($"/proc/{host.QemuPid(id)}/cmdline").Split('\0').SkipWhile(a => a != "-vnc").Take(2));
        Assert.Equal((UnixFileMode)Convert.ToInt32("700", 8), File.GetUnixFileMode(run));
        Assert.Empty(Directory.GetFiles(run, "screen-*"));

        // The CLI saves the screen, refuses to replace a file unless told, and says the same facts in JSON.
        var file = Path.Combine(host.Root, "screen.png");
        var saved = await NubeCli.RunAsync(host, "vm", "screenshot", "screen1", file);
        Assert.True(saved.ExitCode == 0, saved.Stderr);
        var png = PngImage.Decode(await File.ReadAllBytesAsync(file));
        Assert.Equal($"Saved VM 'screen1' screen ({png.Width}x{png.Height}) to {file}.\n", saved.Stdout);
        Assert.Equal((before.Width, before.Height), (png.Width, png.Height));
        var again = await NubeCli.RunAsync(host, "vm", "screenshot", "screen1", file);
        Assert.Equal((2, $"error: {file} exists: give --overwrite to replace it.\n"), (again.ExitCode, again.Stderr));
        var json = await NubeCli.RunAsync(host, "vm", "screenshot", "screen1", file, "--overwrite", "--json");
        Assert.True(json.ExitCode == 0, json.Stderr);
        var facts = JsonSerializer.Deserialize(json.Stdout, ContractsJson.Default.ScreenshotSaved)!;
        Assert.Equal(("screen1", id, file, png.Width, png.Height, new FileInfo(file).Length),
            (facts.Vm, facts.VmId, facts.File, facts.Width, facts.Height, facts.Bytes));
    }

    [Fact]
    public async Task The_vnc_websocket_carries_rfb_to_several_viewers_and_closes_them_when_the_vm_goes_off()
    {
        await using var host = await NubedHost.StartAsync(output);
        var id = (await host.CreateGuestVmAsync("viewed")).Summary.Id;
        await host.Client.RunJobAsync("viewed", "start", agentWaitSeconds: 120);
        var screen = await WaitForScreenAsync(host, id, s => TextRows(s) > 0, "the guest's console text");

        // Two viewers at once, as two browsers would be: each completes RFB 3.8 with no authentication
        // (nubed's socket and sessions are the authentication) and sees the screen nubed's screenshot shows.
        await using var first = await RfbViewer.OpenAsync(host, "viewed");
        await using var second = await RfbViewer.OpenAsync(host, id.ToString());
        foreach (var viewer in new[] { first, second })
        {
            Assert.Equal("binary", viewer.WebSocket.SubProtocol);
            await viewer.HandshakeAsync();
            Assert.Equal((screen.Width, screen.Height, 32), (viewer.Width, viewer.Height, viewer.BitsPerPixel));
        }
        var shot = PngImage.Decode(await host.Client.GetScreenshotAsync("viewed"));
        var expected = LitPixels(shot, 0, shot.Height);
        foreach (var viewer in new[] { second, first })
        {
            var lit = await viewer.ReadFullFrameLitPixelsAsync();
            output.WriteLine($"VNC frame: {lit} lit pixels; screenshot: {expected}");
            // The same text; only the blinking cursor may differ.
            Assert.InRange(lit, expected - 200, expected + 200);
            Assert.InRange(lit, 1000, (long)screen.Width * screen.Height / 4);
        }

        // RFB is binary: a viewer that sends text is closed with the reason, and the others stay.
        await using (var texter = await RfbViewer.OpenAsync(host, "viewed"))
        {
            await texter.WebSocket.SendAsync("RFB 003.008\n"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            Assert.Equal((WebSocketCloseStatus.InvalidMessageType, "RFB goes in binary messages."), await WaitForCloseAsync(texter.WebSocket));
        }
        Assert.InRange(await first.ReadFullFrameLitPixelsAsync(), expected - 200, expected + 200);

        // Turning the VM off ends QEMU's side: the viewers get a close frame, not a hang.
        await host.Client.RunJobAsync("viewed", "turn-off");
        foreach (var viewer in new[] { first, second })
            Assert.Equal((WebSocketCloseStatus.NormalClosure, "The VM's screen closed."), await WaitForCloseAsync(viewer.WebSocket));
        await AssertRefusedWhileOffAsync(host, "viewed");
    }

    [Fact]
    public async Task The_screen_of_a_vm_that_is_off_is_refused_and_connect_needs_remote_management()
    {
        await using var host = await NubedHost.StartAsync(output);
        await host.CreateGuestVmAsync("dark");
        await AssertRefusedWhileOffAsync(host, "dark");

        var shot = await NubeCli.RunAsync(host, "vm", "screenshot", "dark", Path.Combine(host.Root, "dark.png"));
        Assert.Equal((4, "error: VM 'dark' is off: its screen is there only while it runs.\n"), (shot.ExitCode, shot.Stderr));
        Assert.False(File.Exists(Path.Combine(host.Root, "dark.png")));
        var connect = await NubeCli.RunAsync(host, "vm", "connect", "dark");
        Assert.Equal((1, "error: Remote management is off, so the web console has no address: turn it on with 'nube host set --remote on'."),
            (connect.ExitCode, NubeCli.Flat(connect.Stderr)));
        var missing = await NubeCli.RunAsync(host, "vm", "connect", "nosuchvm");
        Assert.Equal(3, missing.ExitCode);

        // The screen is only a WebSocket; a plain request is told so.
        using var http = host.RawHttp();
        using var plain = await http.GetAsync("api/v1/vms/dark/vnc");
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
    }

    [Fact]
    public async Task Connect_prints_the_listeners_console_address_of_the_vm_unless_the_web_console_is_off()
    {
        await using var host = await NubedHost.StartAsync(output);
        var vm = await host.CreateGuestVmAsync("linked");
        var port = RemoteApi.FreePort();
        var on = await NubeCli.RunAsync(host, "host", "set", "--remote", "on", "--remote-address", "127.0.0.1",
            "--remote-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tls", "off");
        Assert.True(on.ExitCode == 0, on.Stderr);

        var connect = await NubeCli.RunAsync(host, "vm", "connect", "linked");
        Assert.True(connect.ExitCode == 0, connect.Stderr);
        Assert.Equal($"http://127.0.0.1:{port}/vms/{vm.Summary.Id}/console\n", connect.Stdout);
        var json = await NubeCli.RunAsync(host, "vm", "connect", vm.Summary.Id.ToString(), "--json");
        Assert.Equal(connect.Stdout.TrimEnd('\n'), JsonDocument.Parse(json.Stdout).RootElement.GetProperty("url").GetString());
        // The address is nubed's own listener: its API there answers, and asks for credentials.
        using (var remote = new RemoteApi(new Uri(new Uri(connect.Stdout.TrimEnd('\n')), "/")))
        using (var api = await remote.GetAsync("api/v1/host"))
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);

        var off = await NubeCli.RunAsync(host, "host", "set", "--web-console", "off");
        Assert.True(off.ExitCode == 0, off.Stderr);
        var refused = await NubeCli.RunAsync(host, "vm", "connect", "linked");
        Assert.Equal((1, "error: The web console is off on this host: turn it on with 'nube host set --web-console on'."),
            (refused.ExitCode, NubeCli.Flat(refused.Stderr)));
    }

    [Fact]
    public async Task A_generation_2_vm_shows_the_guest_console_on_its_synthetic_display()
    {
        await using var host = await NubedHost.StartAsync(output);
        var disk = await Overlay.CreateAsync(host, "efi.qcow2", TestGuest.EfiDisk);
        var created = await NubeCli.RunAsync(host, "vm", "new", "uefiscreen", "--generation", "2", "--boot-disk", disk, "--memory", "512", "--json");
        Assert.True(created.ExitCode == 0, created.Stderr);
        var id = JsonSerializer.Deserialize(created.Stdout, ContractsJson.Default.VmDetails)!.Summary.Id;
        await NubeCli.StartFromFirmwareAsync(host, "uefiscreen");

        var vm = await host.Client.GetVmAsync("uefiscreen", 0);
        Assert.Contains(vm.Devices!, d => d is { Name: "Display", Kind: "synthetic", Model: "virtio-gpu" });
        Assert.Contains(vm.Devices!, d => d is { Name: "Pointer", Model: "USB tablet (qemu-xhci)" });
        var before = await WaitForScreenAsync(host, id, s => TextRows(s) > 0, "the guest's console text");
        await AssertGuestTextOnScreenAsync(host, id, before);
        Assert.Contains("virtio_gpu", await GuestShell.RunAsync(host, id, "cat /proc/fb"));
        await ShowMarkerAsync(host, id, before);
    }

    /// <summary>Reads (and drops) what is still coming until the close frame, bounded.</summary>
    private static async Task<(WebSocketCloseStatus?, string?)> WaitForCloseAsync(WebSocket ws)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        WebSocketReceiveResult r;
        do
            r = await ws.ReceiveAsync(new byte[65536], wait.Token);
        while (r.MessageType != WebSocketMessageType.Close);
        return (ws.CloseStatus, ws.CloseStatusDescription);
    }

    private static async Task AssertRefusedWhileOffAsync(NubedHost host, string name)
    {
        var e = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.GetScreenshotAsync(name));
        Assert.Equal((409, $"VM '{name}' is off: its screen is there only while it runs."), (e.Status, e.Message));
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => RfbViewer.OpenAsync(host, name));
        Assert.Contains("409", refused.Message);
    }

    /// <summary>
    /// The screen is the guest's framebuffer (its size, read inside the guest) and shows text:
    /// lit pixels in the top rows (the banner), far fewer than the area, and nothing as wide as the marker.
    /// </summary>
    private async Task AssertGuestTextOnScreenAsync(NubedHost host, Guid id, PngImage screen)
    {
        var size = (await GuestShell.RunAsync(host, id, "cat /sys/class/graphics/fb0/virtual_size")).Trim();
        output.WriteLine($"screen {screen.Width}x{screen.Height}, guest framebuffer {size}, {TextRows(screen)} rows with text at the top");
        Assert.Equal(size, $"{screen.Width},{screen.Height}");
        var top = LitPixels(screen, 0, 48);
        Assert.InRange(top, 300, screen.Width * 48 / 3);
        Assert.True(LongestLitRun(screen) < MarkerCells * 8, "a bar as wide as the marker before the guest wrote it");
    }

    /// <summary>
    /// The guest writes a bar of full blocks to its screen's console (through the serial shell);
    /// the screen then shows a lit run that wide, which only a live display of that console can.
    /// </summary>
    private async Task ShowMarkerAsync(NubedHost host, Guid id, PngImage before)
    {
        await GuestShell.RunAsync(host, id,
            $"i=0; bar=; while [ $i -lt {MarkerCells} ]; do bar=\"$bar$(printf '\\342\\226\\210')\"; i=$((i+1)); done; printf '\\n%s\\n' \"$bar\" > /dev/tty1");
        var after = await WaitForScreenAsync(host, id, s => LongestLitRun(s) >= MarkerCells * 8, "the marker bar");
        output.WriteLine($"marker: longest lit run {LongestLitRun(after)} px (before {LongestLitRun(before)} px)");
        Assert.Equal((before.Width, before.Height), (after.Width, after.Height));
    }

    private async Task<PngImage> WaitForScreenAsync(NubedHost host, Guid id, Func<PngImage, bool> shows, string what)
    {
        var clock = Stopwatch.StartNew();
        PngImage? last = null;
        while (clock.Elapsed < ScreenWait)
        {
            last = PngImage.Decode(await host.Client.GetScreenshotAsync(id.ToString()));
            if (shows(last))
            {
                output.WriteLine($"screen showed {what} after {clock.Elapsed.TotalSeconds:0.0} s");
                return last;
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"The screen did not show {what} within {ScreenWait.TotalSeconds} s " +
            $"(last {last?.Width}x{last?.Height}, {(last is null ? 0 : LitPixels(last, 0, last.Height))} lit pixels).");
    }

    /// <summary>Pixels other than the background (the screen's most common colour) in rows [from, to).</summary>
    private static long LitPixels(PngImage image, int from, int to)
    {
        var background = Background(image);
        long lit = 0;
        for (var y = from; y < Math.Min(to, image.Height); y++)
            for (var x = 0; x < image.Width; x++)
                if (image[x, y] != background)
                    lit++;
        return lit;
    }

    /// <summary>Rows at the top holding text: a 16-pixel character row with lit pixels, counted until the first empty one.</summary>
    private static int TextRows(PngImage image)
    {
        var rows = 0;
        while ((rows + 1) * 16 <= image.Height && LitPixels(image, rows * 16, (rows + 1) * 16) > 20)
            rows++;
        return rows;
    }

    /// <summary>The widest horizontal run of lit pixels anywhere on the screen.</summary>
    private static int LongestLitRun(PngImage image)
    {
        var background = Background(image);
        var longest = 0;
        for (var y = 0; y < image.Height; y++)
        {
            var run = 0;
            for (var x = 0; x < image.Width; x++)
            {
                run = image[x, y] != background ? run + 1 : 0;
                longest = Math.Max(longest, run);
            }
        }
        return longest;
    }

    private static (byte, byte, byte) Background(PngImage image)
    {
        var counts = new Dictionary<(byte, byte, byte), int>();
        for (var y = 0; y < image.Height; y += 7)
            for (var x = 0; x < image.Width; x += 7)
                counts[image[x, y]] = counts.GetValueOrDefault(image[x, y]) + 1;
        return counts.MaxBy(c => c.Value).Key;
    }
}
