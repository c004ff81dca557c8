namespace Nube.Qemu.Protocol;

/// <summary>
/// Splits a byte stream into newline-terminated lines without ever holding more than
/// <c>maxLineBytes + 1</c> bytes: both QMP and the guest agent frame one JSON message per line,
/// and the guest agent's peer is untrusted, so a line without an end must not grow memory.
/// </summary>
internal sealed class LineReader(Stream stream, int maxLineBytes)
{
    private const int InitialBufferBytes = 4096;

    private byte[] buffer = new byte[Math.Min(InitialBufferBytes, maxLineBytes + 1)];
    private int start;   // first unconsumed byte
    private int end;     // one past the last buffered byte
    private int scanned; // bytes after start already known to hold no newline (avoids rescanning)

    /// <summary>
    /// Reads the next line without its '\n'. The memory is only valid until the next call.
    /// Returns null at end of stream (a trailing unterminated fragment is dropped).
    /// </summary>
    /// <exception cref="InvalidDataException">The line is longer than the limit.</exception>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            int newline = buffer.AsSpan(start + scanned, end - start - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = buffer.AsMemory(start, scanned + newline);
                start += scanned + newline + 1;
                scanned = 0;
                return line;
            }

            scanned = end - start;
            if (scanned > maxLineBytes)
            {
                throw new InvalidDataException($"message exceeds the limit of {maxLineBytes} bytes");
            }

            if (!await FillAsync(ct).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Discards everything up to and including the next <paramref name="marker"/> byte, buffering
    /// nothing while it searches. Returns false at end of stream.
    /// </summary>
    public async ValueTask<bool> SkipPastAsync(byte marker, CancellationToken ct)
    {
        while (true)
        {
            int found = buffer.AsSpan(start, end - start).IndexOf(marker);
            scanned = 0;
            if (found >= 0)
            {
                start += found + 1;
                return true;
            }

            start = end = 0;
            if (!await FillAsync(ct).ConfigureAwait(false))
            {
                return false;
            }
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        if (end == buffer.Length)
        {
            MakeRoom();
        }

        int read = await stream.ReadAsync(buffer.AsMemory(end), ct).ConfigureAwait(false);
        end += read;
        return read > 0;
    }

    // Compacts when consumed bytes sit at the front, otherwise doubles up to the cap.
    private void MakeRoom()
    {
        if (start > 0)
        {
            buffer.AsSpan(start, end - start).CopyTo(buffer);
            end -= start;
            start = 0;
            return;
        }

        var larger = new byte[(int)Math.Min((long)buffer.Length * 2, maxLineBytes + 1L)];
        buffer.AsSpan(0, end).CopyTo(larger);
        buffer = larger;
    }
}
