using System.Text;
using System.Text.RegularExpressions;
using Nube.Contracts.Client;

namespace Nube.Bench;

/// <summary>
/// Runs shell commands in the test guest through its serial console (nubed's console WebSocket,
/// or plain QEMU's serial socket), as the end-to-end tests do: the guest agent's channel belongs
/// to nubed.
/// </summary>
public static class GuestConsole
{
    /// <summary>Runs <paramref name="command"/> and returns what it printed; throws unless it exited 0 within the timeout.</summary>
    public static async Task<string> RunAsync(NubeApiClient client, string vm, string command, TimeSpan timeout, CancellationToken ct)
    {
        await using var console = ConsoleWatch.Over(await client.OpenConsoleAsync(vm, ct));
        return await RunAsync(console, vm, command, timeout, ct);
    }

    /// <summary>As above, on a console already open (its earlier output is ignored: each command has markers of its own).</summary>
    public static async Task<string> RunAsync(ConsoleWatch console, string vm, string command, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var end = new Regex($@"NBENCH-{tag}-E(\d+)");
        var seen = new StringBuilder();
        var tail = "";
        try
        {
            // The quotes keep the echoed command line from matching the markers the output carries.
            await console.SendAsync("\r", limit.Token);
            await console.SendAsync($"echo N''BENCH-{tag}-B; {{ {command} ; }} 2>&1; echo N''BENCH-{tag}-E$?\r", limit.Token);
            while (!end.IsMatch(tail))
            {
                var chunk = await console.ReceiveAsync(limit.Token)
                    ?? throw new InvalidOperationException($"The console of '{vm}' closed before '{command}' finished: {seen}");
                seen.Append(chunk);
                tail = (tail + chunk)[Math.Max(0, tail.Length + chunk.Length - 256)..];
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"'{command}' in the guest of '{vm}' did not finish within {timeout.TotalSeconds:0} s; the console showed: {Tail(seen.ToString(), 600)}");
        }
        var text = seen.ToString();
        var begin = $"NBENCH-{tag}-B\n";
        var startAt = text.IndexOf(begin, StringComparison.Ordinal);
        var match = end.Match(text);
        var output = startAt >= 0 && match.Index >= startAt + begin.Length ? text[(startAt + begin.Length)..match.Index] : text;
        return match.Groups[1].Value == "0"
            ? output
            : throw new InvalidOperationException($"'{command}' in the guest of '{vm}' exited with {match.Groups[1].Value}: {Tail(output, 600)}");
    }

    private static string Tail(string s, int n) => s.Length <= n ? s : "..." + s[^n..];
}
