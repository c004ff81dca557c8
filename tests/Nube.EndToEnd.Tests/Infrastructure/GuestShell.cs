using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Runs a shell command in the test guest through its serial console (the guest runs a shell on
/// COM1), for tests to look inside. The guest agent's channel is the host service's alone.
/// </summary>
public static class GuestShell
{
    /// <summary>Runs <paramref name="command"/> and returns what it printed; throws unless it exited 0.</summary>
    /// <param name="timeout">How long it may take (60 s unless given).</param>
    public static async Task<string> RunAsync(NubedHost host, Guid vm, string command, TimeSpan? timeout = null)
    {
        using var ws = await host.Client.OpenConsoleAsync(vm.ToString());
        var tag = Guid.NewGuid().ToString("N")[..8];
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var seen = new StringBuilder();
        // A real distribution's getty flushes what is typed before its shell starts, so the command
        // is typed only once a shell has answered. The quotes keep the echoed command line from
        // matching the markers that the output carries.
        // A cancelled receive would abort the socket, so the probe is typed again beside one receive.
        using (var answered = CancellationTokenSource.CreateLinkedTokenSource(limit.Token))
        {
            var probing = ProbeAsync(ws, $"\recho N''UBE-{tag}-R\r", answered.Token);
            await ReadUntilAsync(ws, new Regex($"NUBE-{tag}-R"), seen, command, limit.Token);
            answered.Cancel();
            await probing;
        }
        seen.Clear();
        await SendAsync(ws, $"echo N''UBE-{tag}-B; {{ {command} ; }} 2>&1; echo N''UBE-{tag}-E$?\r");
        var end = new Regex($@"NUBE-{tag}-E(\d+)");
        await ReadUntilAsync(ws, end, seen, command, limit.Token);
        var text = seen.ToString().Replace("\r", "");
        var start = text.IndexOf($"NUBE-{tag}-B\n", StringComparison.Ordinal) + $"NUBE-{tag}-B\n".Length;
        var match = end.Match(text);
        var output = text[start..match.Index];
        return match.Groups[1].Value == "0" ? output : throw new InvalidOperationException($"'{command}' exited with {match.Groups[1].Value}: {output}");
    }

    private static async Task ProbeAsync(WebSocket ws, string probe, CancellationToken token)
    {
        try
        {
            while (true)
            {
                await SendAsync(ws, probe);
                await Task.Delay(TimeSpan.FromSeconds(3), token);
            }
        }
        catch (OperationCanceledException)
        {
            // The shell answered, or the command's time ran out (the receive reports that).
        }
    }

    private static async Task ReadUntilAsync(WebSocket ws, Regex marker, StringBuilder seen, string command, CancellationToken token)
    {
        var buffer = new byte[4096];
        var tail = "";
        // Only the newest text can hold the marker: a flood of output is not searched again and again.
        while (!marker.IsMatch(tail))
        {
            var r = await ws.ReceiveAsync(buffer, token);
            if (r.MessageType == WebSocketMessageType.Close)
                throw new InvalidOperationException($"The console closed before '{command}' finished: {seen}");
            var chunk = Encoding.UTF8.GetString(buffer, 0, r.Count);
            seen.Append(chunk);
            tail = (tail + chunk)[Math.Max(0, tail.Length + chunk.Length - 256)..];
        }
    }

    /// <summary>Types a command and does not wait for it (one that never returns, such as poweroff).</summary>
    public static async Task SendAsync(NubedHost host, Guid vm, string command)
    {
        using var ws = await host.Client.OpenConsoleAsync(vm.ToString());
        await SendAsync(ws, $"\r{command}\r");
        await Task.Delay(500);
    }

    private static Task SendAsync(WebSocket ws, string text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>The sha256sum in a command's output, which may carry the guest kernel's console lines too.</summary>
    public static string Sha256(string output) =>
        System.Text.RegularExpressions.Regex.Match(output, "\\b[0-9a-f]{64}\\b") is { Success: true } m ? m.Value : $"no hash in: {output}";

    /// <summary>The guest's name (sda ...) of the disk at this target of its first SCSI host, or empty when there is none.</summary>
    public static async Task<string> ScsiDiskAsync(NubedHost host, Guid vm, int target)
    {
        var output = await RunAsync(host, vm, $"ls /sys/bus/scsi/devices/*:0:{target}:0/block 2>/dev/null; true");
        // The console may carry the kernel's lines about the disk too.
        return output.Split('\n', StringSplitOptions.TrimEntries).LastOrDefault(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^sd[a-z]+$")) ?? "";
    }
}
