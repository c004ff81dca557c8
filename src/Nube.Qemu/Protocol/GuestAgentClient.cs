using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Nube.Qemu.Protocol;

/// <summary>
/// Client of qemu-guest-agent over the host side of the VM's virtio-serial chardev. The protocol has
/// no ids, so after anything that may leave a reply unread (a timeout, a cancellation, a bad reply,
/// guest-shutdown) the client re-synchronises with guest-sync-delimited before its next command.
/// The guest is untrusted: replies are capped at <see cref="MaxReplyBytes"/> and every shape is
/// checked. One command in flight. The client owns the stream and disposes it.
/// </summary>
public sealed partial class GuestAgentClient : IAsyncDisposable
{
    /// <summary>Longest reply line accepted; a longer one faults the connection without being buffered.</summary>
    public const int MaxReplyBytes = 1024 * 1024;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    // Resets qemu-ga's parser when sent, and marks the start of the sync reply when received.
    private const byte Delimiter = 0xFF;

    private readonly Stream stream;
    private readonly LineReader reader;
    private readonly ILogger logger;
    private readonly TimeSpan syncTimeout;
    private readonly SemaphoreSlim gate = new(1, 1); // one command in flight
    private readonly Lock sync = new(); // guards state and terminalError
    private readonly CancellationTokenSource disposal = new(); // interrupts the I/O in flight; never disposed, as commands may still link to it
    private ConnectionState state = ConnectionState.Connecting;
    private Exception? terminalError;
    private bool needsSync = true; // only touched under gate
    private int disposed;

    private GuestAgentClient(Stream stream, TimeSpan syncTimeout, ILogger logger)
    {
        this.stream = stream;
        this.syncTimeout = syncTimeout;
        this.logger = logger;
        reader = new LineReader(stream, MaxReplyBytes);
    }

    /// <summary>
    /// Called on every well-formed reply line, sync replies aside: a sign of life that holders of
    /// long exchanges (a file copy) give to those waiting for the channel. Set it before use.
    /// </summary>
    public Action? Replied { get; set; }

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

    /// <summary>
    /// Synchronises with the agent. Requests wait in the channel until the agent runs, so a guest
    /// still booting shows up as a <see cref="GuestAgentTimeoutException"/>; the caller retries.
    /// </summary>
    /// <remarks>On failure the stream is disposed.</remarks>
    public static async Task<GuestAgentClient> ConnectAsync(Stream stream, TimeSpan syncTimeout, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(syncTimeout, TimeSpan.Zero);
        var client = new GuestAgentClient(stream, syncTimeout, logger ?? NullLogger.Instance);
        try
        {
            await client.gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await client.EnsureSyncedAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                client.gate.Release();
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs a command and returns its "return" value.</summary>
    /// <exception cref="GuestAgentCommandException">The agent replied with an error.</exception>
    /// <exception cref="GuestAgentTimeoutException">No reply within the timeout (default <see cref="DefaultTimeout"/>).</exception>
    /// <exception cref="GuestAgentProtocolException">The reply is oversized, malformed or not a reply.</exception>
    /// <exception cref="GuestAgentDisconnectedException">The channel ended first.</exception>
    public async Task<JsonElement> ExecuteAsync(string command, object? arguments = null, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        JsonElement reply = await ExchangeAsync(command, arguments, timeout ?? DefaultTimeout, expectReply: true, ct).ConfigureAwait(false);
        return ReturnValue(command, reply);
    }

    /// <summary>Runs a command and deserializes its "return" value; a reply of another shape is a <see cref="GuestAgentProtocolException"/>.</summary>
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
            // The parser's message quotes the guest's property names and characters.
            throw new GuestAgentProtocolException($"guest agent sent an invalid reply to '{command}': {GuestText.Sanitize(e.Message)}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        End(ConnectionState.Closed, new GuestAgentDisconnectedException("the guest agent client was disposed"));
        await disposal.CancelAsync().ConfigureAwait(false);
        await stream.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<JsonElement> ExchangeAsync(string command, object? arguments, TimeSpan timeout, bool expectReply, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        byte[] request = JsonRequest.Build(command, JsonRequest.SerializeArguments(arguments), id: null);

        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await EnsureSyncedAsync(ct).ConfigureAwait(false);
            JsonElement reply = JsonRead.EmptyReturn;
            await WithTimeoutAsync(command, timeout, async token =>
            {
                await WriteAsync(request, token).ConfigureAwait(false);
                if (expectReply)
                {
                    reply = await ReadReplyAsync(command, token).ConfigureAwait(false);
                }
            }, ct).ConfigureAwait(false);

            // A command that never replies on success may still reply with an error later.
            needsSync |= !expectReply;
            return reply;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<JsonElement> ReadReplyAsync(string command, CancellationToken token)
    {
        ReadOnlyMemory<byte> line = await reader.ReadLineAsync(token).ConfigureAwait(false) ?? throw EndOfChannel();
        JsonElement reply;
        try
        {
            reply = JsonRead.Parse(line);
        }
        catch (JsonException e)
        {
            throw ProtocolError($"guest agent sent malformed JSON in reply to '{command}': {GuestText.Sanitize(e.Message)}", e);
        }

        GuestAgentLog.Received(logger, reply);
        Replied?.Invoke();
        return reply;
    }

    private JsonElement ReturnValue(string command, JsonElement reply)
    {
        if (JsonRead.TryGet(reply, "return", out var value))
        {
            return value;
        }

        if (JsonRead.TryGetObject(reply, "error", out var error)
            && JsonRead.GetString(error, "class") is { } errorClass
            && JsonRead.GetString(error, "desc") is { } desc)
        {
            throw new GuestAgentCommandException(command, GuestText.Sanitize(errorClass), GuestText.Sanitize(desc));
        }

        throw ProtocolError($"guest agent reply to '{command}' has neither 'return' nor an 'error' with 'class' and 'desc'", null);
    }

    private async Task WriteAsync(byte[] request, CancellationToken token)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            // Skips the leading delimiter byte of a sync request, which is not text.
            GuestAgentLog.Sent(logger, Encoding.UTF8.GetString(request.AsSpan().TrimStart(Delimiter)).TrimEnd('\n'));
        }

        await stream.WriteAsync(request, token).ConfigureAwait(false);
        await stream.FlushAsync(token).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one step under its own timeout and maps low-level failures to this client's exceptions.
    /// Any interruption may leave a reply unread, so it marks the stream for re-synchronisation
    /// (a partially written request is harmless: the next sync's 0xFF resets the agent's parser).
    /// </summary>
    private async Task WithTimeoutAsync(string command, TimeSpan timeout, Func<CancellationToken, Task> step, CancellationToken ct)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct, disposal.Token);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await step(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (Exception) when (Volatile.Read(ref disposed) != 0)
        {
            // Disposal mid-command: whatever the stream threw, the reason is the disposal.
            throw End(ConnectionState.Closed, new GuestAgentDisconnectedException("the guest agent client was disposed"));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            needsSync = true;
            throw new GuestAgentTimeoutException(command, timeout);
        }
        catch (OperationCanceledException)
        {
            needsSync = true;
            throw;
        }
        catch (InvalidDataException e)
        {
            throw End(ConnectionState.Faulted, new GuestAgentProtocolException($"guest agent reply exceeds the limit of {MaxReplyBytes} bytes", e));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw End(ConnectionState.Closed, new GuestAgentDisconnectedException($"guest agent channel lost: {e.Message}", e));
        }
    }

    private GuestAgentProtocolException ProtocolError(string message, Exception? inner)
    {
        needsSync = true;
        return new GuestAgentProtocolException(message, inner);
    }

    private Exception EndOfChannel() =>
        End(ConnectionState.Closed, new GuestAgentDisconnectedException("the guest agent channel was closed"));

    /// <summary>Ends the connection once; returns the exception that ended it, for the caller to throw.</summary>
    private Exception End(ConnectionState finalState, Exception error)
    {
        lock (sync)
        {
            if (terminalError is not null)
            {
                return terminalError;
            }

            terminalError = error;
            state = finalState;
        }

        if (finalState == ConnectionState.Faulted)
        {
            GuestAgentLog.Faulted(logger, error);
        }
        else
        {
            GuestAgentLog.Closed(logger, error.Message);
        }

        return error;
    }

    // Caller holds sync.
    private void ThrowIfEnded()
    {
        if (terminalError is not null)
        {
            throw new GuestAgentDisconnectedException(
                $"guest agent connection is {state.ToString().ToLowerInvariant()}: {terminalError.Message}", terminalError);
        }
    }
}
