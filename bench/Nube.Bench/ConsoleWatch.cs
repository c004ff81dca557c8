using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Nube.Bench;

/// <summary>
/// The test guest's serial console kept open for a whole figure, to time on the host's clock when
/// a line the guest prints arrives: over nubed's console WebSocket, or over plain QEMU's serial
/// socket. Guest and host clocks differ, so a guest timestamp would not do.
/// </summary>
public sealed class ConsoleWatch : IAsyncDisposable
{
    private readonly Func<string, CancellationToken, Task> send;
    private readonly Func<Memory<byte>, CancellationToken, Task<int>> receive;
    private readonly IAsyncDisposable connection;
    private readonly byte[] buffer = new byte[8192];
    private string tail = "";

    private ConsoleWatch(Func<string, CancellationToken, Task> send, Func<Memory<byte>, CancellationToken, Task<int>> receive, IAsyncDisposable connection)
    {
        this.send = send;
        this.receive = receive;
        this.connection = connection;
    }

    public static ConsoleWatch Over(WebSocket ws) => new(
        (text, ct) => ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Binary, true, ct),
        async (memory, ct) =>
        {
            var r = await ws.ReceiveAsync(memory, ct);
            return r.MessageType == WebSocketMessageType.Close ? 0 : r.Count;
        },
        new Closing(async () =>
        {
            try { await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException) { }
            ws.Dispose();
        }));

    public static ConsoleWatch Over(Stream stream) => new(
        (text, ct) => stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct).AsTask(),
        (memory, ct) => stream.ReadAsync(memory, ct).AsTask(),
        stream);

    public Task SendAsync(string text, CancellationToken ct) => send(text, ct);

    /// <summary>The next text the console gives (carriage returns dropped), or null once it closed.</summary>
    public async Task<string?> ReceiveAsync(CancellationToken ct)
    {
        var n = await receive(buffer, ct);
        return n == 0 ? null : Encoding.UTF8.GetString(buffer, 0, n).Replace("\r", "");
    }

    /// <summary>
    /// Reads until <paramref name="marker"/> has arrived; returns <paramref name="clock"/>'s reading
    /// when the chunk that completed it was read.
    /// </summary>
    public async Task<TimeSpan> WaitForAsync(string marker, Stopwatch clock, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var at = tail.IndexOf(marker, StringComparison.Ordinal);
                if (at >= 0)
                {
                    tail = tail[(at + marker.Length)..];
                    return clock.Elapsed;
                }
                var chunk = await ReceiveAsync(limit.Token)
                    ?? throw new InvalidOperationException($"The console closed before '{marker}' arrived; it showed: {tail}");
                var seen = clock.Elapsed;
                tail = (tail + chunk).Replace("\r", "");
                if (tail.Length > 4096)
                    tail = tail[^4096..];
                if (tail.Contains(marker, StringComparison.Ordinal))
                {
                    tail = tail[(tail.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
                    return seen;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"'{marker}' did not arrive on the console within {timeout.TotalSeconds:0} s; it showed: {tail}");
        }
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    private sealed class Closing(Func<Task> close) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await close();
    }
}
