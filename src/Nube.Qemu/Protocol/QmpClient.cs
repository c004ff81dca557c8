using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Nube.Qemu.Protocol;

/// <summary>
/// A thin, serial QMP client over a connected stream (Kata's govmm and Proxmox's QMPClient are the
/// model): one command in flight, each with an id its reply must echo, a timeout per command, and
/// events on their own stream. The client owns the stream and disposes it.
/// </summary>
public sealed partial class QmpClient : IAsyncDisposable
{
    /// <summary>Largest message accepted; query-* replies can be large, but a bound keeps a broken peer from exhausting memory.</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>Events kept for a slow <see cref="Events"/> reader; beyond it the oldest is dropped (and logged).</summary>
    public const int EventQueueCapacity = 1024;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Stream stream;
    private readonly LineReader reader;
    private readonly ILogger logger;
    private readonly SemaphoreSlim gate = new(1, 1); // one command in flight
    private readonly Lock sync = new(); // guards pending, waiters, state, terminalError
    private readonly List<EventWaiter> waiters = [];
    private readonly Channel<QmpEvent> events;
    private readonly CancellationTokenSource stopReading = new();
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PendingCommand? pending;
    private Exception? terminalError;
    private ConnectionState state = ConnectionState.Connecting;
    private long lastId;
    private Task readLoop = Task.CompletedTask;
    private int disposed;

    private QmpClient(Stream stream, LineReader reader, QemuVersion version, ILogger logger)
    {
        this.stream = stream;
        this.reader = reader;
        this.logger = logger;
        Version = version;
        events = Channel.CreateBounded<QmpEvent>(
            new BoundedChannelOptions(EventQueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true },
            dropped => QmpLog.EventDropped(logger, dropped.Name));
    }

    /// <summary>QEMU's version from the greeting.</summary>
    public QemuVersion Version { get; }

    public ConnectionState State
    {
        get
        {
            lock (sync)
            {
                return state;
            }
        }
    }

    /// <summary>Completes (never faults) when the connection has ended; <see cref="State"/> then says how.</summary>
    public Task Closed => closed.Task;

    /// <summary>
    /// Every event, in order, for a single consumer; ends when the connection does. Waiters of
    /// <see cref="WaitForEventAsync"/> see the same events independently.
    /// </summary>
    public IAsyncEnumerable<QmpEvent> Events => events.Reader.ReadAllAsync();

    /// <summary>Reads the greeting, negotiates capabilities and starts reading replies and events.</summary>
    /// <remarks>On failure the stream is disposed.</remarks>
    public static async Task<QmpClient> ConnectAsync(Stream stream, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        logger ??= NullLogger.Instance;
        var reader = new LineReader(stream, MaxMessageBytes);
        QemuVersion version;
        try
        {
            version = await ReadGreetingAsync(reader, logger, ct).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var client = new QmpClient(stream, reader, version, logger);
        client.readLoop = Task.Run(client.ReadLoopAsync, CancellationToken.None);
        try
        {
            await client.ExecuteAsync("qmp_capabilities", ct: ct).ConfigureAwait(false);
            client.MarkReady();
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs a command and returns its "return" value.</summary>
    /// <exception cref="QmpCommandException">QEMU replied with an error.</exception>
    /// <exception cref="QmpTimeoutException">No reply within the timeout (default <see cref="DefaultTimeout"/>).</exception>
    /// <exception cref="QmpDisconnectedException">The connection ended first.</exception>
    /// <exception cref="QmpProtocolException">QEMU broke the protocol while the command was in flight.</exception>
    public async Task<JsonElement> ExecuteAsync(string command, object? arguments = null, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        JsonElement reply = await SendAsync(command, arguments, timeout ?? DefaultTimeout, eofIsSuccess: false, ct).ConfigureAwait(false);
        return ReturnValue(command, reply);
    }

    /// <summary>Runs a command and deserializes its "return" value; a reply of another shape is a <see cref="QmpProtocolException"/>.</summary>
    public async Task<T> ExecuteAsync<T>(string command, object? arguments, JsonTypeInfo<T> replyType, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(replyType);
        JsonElement value = await ExecuteAsync(command, arguments, timeout, ct).ConfigureAwait(false);
        try
        {
            return value.Deserialize(replyType) ?? throw new JsonException("The reply is null.");
        }
        catch (JsonException e)
        {
            throw new QmpProtocolException($"QMP reply to '{command}' has an unexpected shape: {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await stopReading.CancelAsync().ConfigureAwait(false);
        await stream.DisposeAsync().ConfigureAwait(false);
        await readLoop.ConfigureAwait(false);
        Terminate(ConnectionState.Closed, new QmpDisconnectedException("the QMP client was disposed"), eof: false);
        stopReading.Dispose();
    }

    private static async Task<QemuVersion> ReadGreetingAsync(LineReader reader, ILogger logger, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(DefaultTimeout);
        ReadOnlyMemory<byte>? line;
        try
        {
            line = await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw QmpTimeoutException.ForGreeting(DefaultTimeout);
        }
        catch (InvalidDataException e)
        {
            throw new QmpProtocolException($"QMP greeting exceeds the limit of {MaxMessageBytes} bytes", e);
        }
        catch (IOException e)
        {
            throw new QmpDisconnectedException($"QMP connection lost before the greeting: {e.Message}", e);
        }

        if (line is null)
        {
            throw new QmpDisconnectedException("QEMU closed the QMP connection before its greeting");
        }

        JsonElement greeting = ParseMessage(line.Value);
        QmpLog.Received(logger, greeting);
        return ParseVersion(greeting) ?? throw new QmpProtocolException("QMP greeting has no QMP.version.qemu with major, minor and micro");
    }

    private static QemuVersion? ParseVersion(JsonElement greeting)
    {
        if (JsonRead.TryGetObject(greeting, "QMP", out var qmp)
            && JsonRead.TryGetObject(qmp, "version", out var version)
            && JsonRead.TryGetObject(version, "qemu", out var qemu)
            && Part(qemu, "major") is int major
            && Part(qemu, "minor") is int minor
            && Part(qemu, "micro") is int micro)
        {
            return new QemuVersion(major, minor, micro);
        }

        return null;

        static int? Part(JsonElement qemu, string name) =>
            JsonRead.GetInt64(qemu, name) is long value and >= 0 and <= int.MaxValue ? (int)value : null;
    }

    /// <exception cref="QmpProtocolException">Not a well-formed JSON object.</exception>
    private static JsonElement ParseMessage(ReadOnlyMemory<byte> line)
    {
        JsonElement message;
        try
        {
            message = JsonRead.Parse(line);
        }
        catch (JsonException e)
        {
            throw new QmpProtocolException($"QEMU sent malformed JSON: {e.Message}", e);
        }

        return message.ValueKind == JsonValueKind.Object
            ? message
            : throw new QmpProtocolException($"QEMU sent a JSON {message.ValueKind} where a QMP message object belongs");
    }

    private static JsonElement ReturnValue(string command, JsonElement reply)
    {
        if (JsonRead.TryGet(reply, "return", out var value))
        {
            return value;
        }

        if (JsonRead.TryGetObject(reply, "error", out var error))
        {
            throw new QmpCommandException(
                command,
                JsonRead.GetString(error, "class") ?? "UnknownError",
                JsonRead.GetString(error, "desc") ?? "(no description)");
        }

        throw new QmpProtocolException($"QMP reply to '{command}' has an 'error' that is not an object");
    }

    private void MarkReady()
    {
        lock (sync)
        {
            if (state == ConnectionState.Connecting)
            {
                state = ConnectionState.Ready;
            }
        }
    }

    private async Task<JsonElement> SendAsync(string command, object? arguments, TimeSpan timeout, bool eofIsSuccess, CancellationToken ct,
        SafeHandle? descriptor = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        JsonElement? args = JsonRequest.SerializeArguments(arguments);

        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var inFlight = new PendingCommand(++lastId, eofIsSuccess);
            lock (sync)
            {
                ThrowIfEnded();
                pending = inFlight;
            }

            try
            {
                await WriteAsync(command, JsonRequest.Build(command, args, inFlight.Id), descriptor, ct).ConfigureAwait(false);
                return await inFlight.Reply.WaitAsync(timeout, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A late reply will carry this id and be dropped by OnReply.
                throw QmpTimeoutException.ForCommand(command, timeout);
            }
            finally
            {
                lock (sync)
                {
                    if (pending == inFlight)
                    {
                        pending = null;
                    }
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task WriteAsync(string command, byte[] request, SafeHandle? descriptor, CancellationToken ct)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            QmpLog.Sent(logger, Encoding.UTF8.GetString(request).TrimEnd('\n'));
        }

        // A cancel before the first byte leaves the connection as it was. Once begun, the request
        // goes out whole: cut short, it would leave QEMU half a command and the connection unusable,
        // and a request of a few hundred bytes does not block; disposal still ends a stuck write.
        ct.ThrowIfCancellationRequested();
        try
        {
            if (descriptor is null)
            {
                await stream.WriteAsync(request, CancellationToken.None).ConfigureAwait(false);
                await stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
            else if (stream is IDescriptorStream carrier)
            {
                carrier.SendWithDescriptor(request, descriptor);
            }
            else
            {
                throw new NotSupportedException($"'{command}' passes a descriptor, which this connection cannot carry.");
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw new QmpDisconnectedException($"QMP connection lost while sending '{command}': {e.Message}", e);
        }
    }

    // Caller holds sync.
    private void ThrowIfEnded()
    {
        if (terminalError is not null)
        {
            throw new QmpDisconnectedException($"QMP connection is {state.ToString().ToLowerInvariant()}: {terminalError.Message}", terminalError);
        }
    }
}
