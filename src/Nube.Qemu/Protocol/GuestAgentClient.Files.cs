namespace Nube.Qemu.Protocol;

public sealed partial class GuestAgentClient
{
    /// <summary>
    /// Opens a file in the guest (guest-file-open) and returns the agent's handle for it. The agent
    /// creates a file it opens for writing with mode 0600. Opening a FIFO blocks the agent until a
    /// writer comes: callers check what a path is before they open it.
    /// </summary>
    /// <param name="mode">fopen's mode: "r", "w", "a" ...</param>
    public async Task<long> OpenFileAsync(string path, string mode, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(mode);
        var reply = await ExecuteAsync("guest-file-open", Arguments(new GuestFileOpenArguments(path, mode), ProtocolJsonContext.Default.GuestFileOpenArguments), ct: ct).ConfigureAwait(false);
        return reply.ValueKind == System.Text.Json.JsonValueKind.Number && reply.TryGetInt64(out long handle)
            ? handle
            : throw BadReply("guest agent sent a guest-file-open reply that is not a handle number", null);
    }

    /// <summary>
    /// Reads at most <paramref name="count"/> bytes from an open file. The agent's claims are checked:
    /// the bytes must be valid base64, as many as it says, and no more than asked for.
    /// </summary>
    public async Task<GuestFileChunk> ReadFileAsync(long handle, int count, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var reply = await ExecuteAsync("guest-file-read", Arguments(new GuestFileReadArguments(handle, count), ProtocolJsonContext.Default.GuestFileReadArguments),
            ProtocolJsonContext.Default.GuestFileReadReply, ct: ct).ConfigureAwait(false);
        byte[] bytes = DecodeBase64("guest-file-read", reply.BufB64);
        if (bytes.Length != reply.Count || bytes.Length > count)
            throw BadReply($"guest agent's guest-file-read reply holds {bytes.Length} bytes, says {reply.Count}, and {count} were asked for", null);
        return new GuestFileChunk(bytes, reply.Eof);
    }

    /// <summary>Writes <paramref name="data"/> to an open file; returns how many bytes the agent says it wrote.</summary>
    public async Task<int> WriteFileAsync(long handle, ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        var reply = await ExecuteAsync("guest-file-write", Arguments(new GuestFileWriteArguments(handle, Convert.ToBase64String(data.Span)), ProtocolJsonContext.Default.GuestFileWriteArguments),
            ProtocolJsonContext.Default.GuestFileWriteReply, ct: ct).ConfigureAwait(false);
        return reply.Count is >= 0 and var written && written <= data.Length
            ? written
            : throw BadReply($"guest agent says it wrote {reply.Count} bytes of {data.Length}", null);
    }

    public Task CloseFileAsync(long handle, CancellationToken ct = default) =>
        ExecuteAsync("guest-file-close", Arguments(new GuestFileHandleArguments(handle), ProtocolJsonContext.Default.GuestFileHandleArguments), ct: ct);

    // Serialized with the context's own options (kebab-case names), not the reflection fallback's.
    private static System.Text.Json.JsonElement Arguments<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        System.Text.Json.JsonSerializer.SerializeToElement(value, type);

    private byte[] DecodeBase64(string command, string? text)
    {
        try
        {
            return Convert.FromBase64String(text ?? "");
        }
        catch (FormatException e)
        {
            throw new GuestAgentProtocolException($"guest agent sent invalid base64 in reply to '{command}'", e);
        }
    }

    // The reply was read whole, so the channel stays in step: no re-synchronisation is needed.
    private static GuestAgentProtocolException BadReply(string message, Exception? inner) => new(message, inner);
}
