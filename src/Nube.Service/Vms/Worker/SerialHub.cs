using System.Threading.Channels;
using Nube.Linux;

namespace Nube.Service.Vms.Worker;

/// <summary>
/// The VM's COM1 for one run of its QEMU. QEMU serves one client on the serial socket, so nubed
/// is that client: what the guest prints goes to the capped log and to every attached console,
/// and consoles' keystrokes go to the guest. A console too slow to keep up loses output rather
/// than slowing the guest or the other consoles down.
/// </summary>
public sealed class SerialHub : IAsyncDisposable
{
    private const int ConsoleBacklog = 1024;
    private readonly Stream serial;
    private readonly RotatingLog? log;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly List<Channel<byte[]>> consoles = [];
    private readonly SemaphoreSlim writing = new(1, 1);
    private readonly CancellationTokenSource stop = new();
    private readonly Task reader;
    private bool ended;

    public SerialHub(Stream serial, RotatingLog? log, ILogger logger)
    {
        this.serial = serial;
        this.log = log;
        this.logger = logger;
        reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>What the guest prints from now on, until the console is detached or the run ends.</summary>
    public ChannelReader<byte[]> Attach()
    {
        var channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(ConsoleBacklog)
        {
            FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true,
        });
        lock (gate)
        {
            if (ended)
                channel.Writer.TryComplete();
            else
                consoles.Add(channel);
        }
        return channel.Reader;
    }

    public void Detach(ChannelReader<byte[]> console)
    {
        lock (gate)
            consoles.RemoveAll(c => c.Reader == console);
    }

    /// <summary>Writes what the guest printed before this run (on the host it moved from) into the log, ahead of what it prints here.</summary>
    public void RecordEarlier(ReadOnlySpan<byte> printed) => log?.Write(printed);

    /// <summary>Sends keystrokes to the guest; consoles take turns.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> input, CancellationToken ct)
    {
        await writing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await serial.WriteAsync(input, ct).ConfigureAwait(false);
            await serial.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            writing.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await serial.ReadAsync(buffer, stop.Token).ConfigureAwait(false)) > 0)
            {
                log?.Write(buffer.AsSpan(0, n));
                var chunk = buffer[..n];
                lock (gate)
                {
                    foreach (var console in consoles)
                        console.Writer.TryWrite(chunk);
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            logger.LogDebug("Serial console stream ended: {Error}", e.Message);
        }
        lock (gate)
        {
            ended = true;
            foreach (var console in consoles)
                console.Writer.TryComplete();
            consoles.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await serial.DisposeAsync().ConfigureAwait(false);
        await reader.ConfigureAwait(false);
        log?.Dispose();
    }
}
