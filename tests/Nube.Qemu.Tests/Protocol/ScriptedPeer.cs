using System.Text;
using System.Text.Json;

namespace Nube.Qemu.Tests.Protocol;

/// <summary>
/// The far end of a client under test (QEMU or the guest agent): the test reads what the client
/// sent and scripts the answers. Every read is bounded so a broken client fails the test instead of hanging it.
/// </summary>
internal sealed class ScriptedPeer(Stream stream) : IAsyncDisposable
{
    // A limit for what never comes, not a speed target: the tests share 2 cores with guests under TCG.
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Sends one line; QMP ends lines with CRLF, the guest agent with LF.</summary>
    public Task SendLineAsync(string json, string newline = "\r\n") => SendRawAsync(Encoding.UTF8.GetBytes(json + newline));

    public async Task SendRawAsync(byte[] bytes)
    {
        await stream.WriteAsync(bytes).AsTask().WaitAsync(StepTimeout);
        await stream.FlushAsync().WaitAsync(StepTimeout);
    }

    /// <summary>The next line the client sent, without its newline.</summary>
    public async Task<string> ReceiveLineAsync()
    {
        var line = new List<byte>();
        while (true)
        {
            byte next = await ReceiveByteAsync();
            if (next == '\n')
            {
                return Encoding.UTF8.GetString(line.ToArray());
            }

            line.Add(next);
        }
    }

    public async Task<JsonElement> ReceiveJsonAsync() => JsonDocument.Parse(await ReceiveLineAsync()).RootElement;

    public async Task<byte> ReceiveByteAsync()
    {
        var one = new byte[1];
        int read = await stream.ReadAsync(one).AsTask().WaitAsync(StepTimeout);
        return read == 1 ? one[0] : throw new EndOfStreamException("The client closed the connection.");
    }

    /// <summary>Fails if the client sends anything within <paramref name="period"/>.</summary>
    public async Task AssertQuietAsync(TimeSpan period)
    {
        using var quiet = new CancellationTokenSource(period);
        var one = new byte[1];
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stream.ReadExactlyAsync(one, quiet.Token));
    }

    /// <summary>Succeeds when the client has closed its end.</summary>
    public async Task ExpectEndOfStreamAsync()
    {
        var one = new byte[1];
        Assert.Equal(0, await stream.ReadAsync(one).AsTask().WaitAsync(StepTimeout));
    }

    /// <summary>Closes the peer's end: the client reads EOF.</summary>
    public ValueTask DisposeAsync() => stream.DisposeAsync();
}
