using System.Text;

namespace Nube.Service.Tests.Fakes;

/// <summary>
/// Reads the lines a client sends to a fake QEMU or guest agent. The byte 0xFF is dropped, as
/// qemu-ga does with the delimiter that resets its parser; it never occurs in QMP's UTF-8.
/// </summary>
internal sealed class FakeLineReader(Stream stream)
{
    private readonly byte[] buffer = new byte[4096];
    private readonly List<byte> line = [];
    private int start;
    private int end;

    /// <summary>The next line without its CR LF or LF; null at end of stream.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            while (start < end)
            {
                var b = buffer[start++];
                if (b == (byte)'\n')
                {
                    var text = Encoding.UTF8.GetString([.. line]).TrimEnd('\r');
                    line.Clear();
                    return text;
                }
                if (b != 0xFF)
                    line.Add(b);
            }
            start = 0;
            end = await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
            if (end == 0)
                return null;
        }
    }
}
