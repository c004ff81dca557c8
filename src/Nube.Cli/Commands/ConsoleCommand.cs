using System.CommandLine;
using System.Net.WebSockets;
using System.Text;

namespace Nube.Cli.Commands;

/// <summary>
/// <c>vm console</c>: joins the terminal to the VM's COM1 through the host service.
/// Ctrl+] leaves, as in telnet and virsh.
/// </summary>
public static class ConsoleCommand
{
    private const char Escape = '\u001d';

    public static Command Build(Argument<string> vmArg)
    {
        var linger = new Option<double>("--linger")
        {
            Description = "With input from a pipe or file: seconds to keep showing the console after the input ends",
            DefaultValueFactory = _ => 2,
        };
        var c = new Command("console", "Attach to the VM's serial console (COM1); Ctrl+] detaches") { vmArg, linger };
        c.SetHandler(async (p, client, ct) =>
        {
            using var ws = await client.OpenConsoleAsync(p.GetValue(vmArg)!, ct);
            if (!Console.IsInputRedirected)
                Console.Error.WriteLine("Connected to the serial console; press Ctrl+] to leave.");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var output = CopyToStdoutAsync(ws, stop.Token);
            var input = Console.IsInputRedirected ? CopyStdinAsync(ws, stop.Token) : ReadKeysAsync(ws, stop.Token);
            await Task.WhenAny(output, input);
            // Scripted input: show what the guest answers for a while, then detach on our own.
            if (input.IsCompleted && Console.IsInputRedirected)
                await Task.WhenAny(output, Task.Delay(TimeSpan.FromSeconds(Math.Max(0, p.GetValue(linger))), ct));
            await stop.CancelAsync();
            if (ws.State == WebSocketState.Open)
                await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "detached", CancellationToken.None);
        });
        return c;
    }

    private static async Task CopyToStdoutAsync(WebSocket ws, CancellationToken ct)
    {
        var buffer = new byte[4096];
        using var stdout = Console.OpenStandardOutput();
        try
        {
            while (ws.State == WebSocketState.Open)
            {
                var r = await ws.ReceiveAsync(buffer, ct);
                if (r.MessageType == WebSocketMessageType.Close)
                    return;
                await stdout.WriteAsync(buffer.AsMemory(0, r.Count), ct);
                await stdout.FlushAsync(ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
    }

    private static async Task CopyStdinAsync(WebSocket ws, CancellationToken ct)
    {
        var buffer = new byte[4096];
        using var stdin = Console.OpenStandardInput();
        int n;
        while ((n = await stdin.ReadAsync(buffer, ct)) > 0)
            await ws.SendAsync(buffer.AsMemory(0, n), WebSocketMessageType.Binary, true, ct);
    }

    /// <summary>
    /// Ctrl+] arrives as byte 0x1d, which .NET may report as the character, as Control+],
    /// or as Control+5 (the same byte on a VT terminal).
    /// </summary>
    private static bool IsDetach(ConsoleKeyInfo key) =>
        key.KeyChar == Escape ||
        (key.Modifiers.HasFlag(ConsoleModifiers.Control) && key.Key is ConsoleKey.Oem6 or ConsoleKey.D5);

    private static async Task ReadKeysAsync(WebSocket ws, CancellationToken ct)
    {
        // Ctrl+C belongs to the guest, as on a real serial line; Ctrl+] leaves.
        Console.TreatControlCAsInput = true;
        while (!ct.IsCancellationRequested)
        {
            var key = await Task.Run(() => Console.ReadKey(intercept: true), ct);
            if (IsDetach(key))
                return;
            var text = key.Key switch
            {
                ConsoleKey.Enter => "\r",
                ConsoleKey.Backspace => "\u007f",
                ConsoleKey.UpArrow => "\u001b[A",
                ConsoleKey.DownArrow => "\u001b[B",
                ConsoleKey.RightArrow => "\u001b[C",
                ConsoleKey.LeftArrow => "\u001b[D",
                _ => key.KeyChar.ToString(),
            };
            await ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Binary, true, ct);
        }
    }
}
