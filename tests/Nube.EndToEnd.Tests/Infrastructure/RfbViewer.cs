using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A minimal VNC viewer on nubed's <c>/vms/{vm}/vnc</c> WebSocket, as noVNC connects: RFB 3.8,
/// no authentication, a shared session, raw encoding only. Enough to see that the proxy carries
/// the protocol both ways and that real pixels come through.
/// </summary>
public sealed class RfbViewer : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpMessageInvoker invoker;
    private readonly byte[] pending = new byte[256 * 1024];
    private int pendingStart, pendingEnd;

    private RfbViewer(ClientWebSocket ws, HttpMessageInvoker invoker)
    {
        WebSocket = ws;
        this.invoker = invoker;
    }

    public ClientWebSocket WebSocket { get; }
    public string Greeting { get; private set; } = "";
    public int Width { get; private set; }
    public int Height { get; private set; }
    public int BitsPerPixel { get; private set; }

    /// <summary>Opens the WebSocket over the service's UNIX socket, asking for the <c>binary</c> subprotocol as noVNC does.</summary>
    public static async Task<RfbViewer> OpenAsync(NubedHost host, string vm)
    {
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(host.Socket), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("binary");
        using var timeout = new CancellationTokenSource(ReadTimeout);
        try
        {
            await ws.ConnectAsync(new Uri($"ws://nubed/api/v1/vms/{Uri.EscapeDataString(vm)}/vnc"), invoker, timeout.Token);
        }
        catch
        {
            ws.Dispose();
            invoker.Dispose();
            throw;
        }
        return new RfbViewer(ws, invoker);
    }

    /// <summary>Version, security type None, ClientInit (shared) and ServerInit: the screen's size and pixel format.</summary>
    public async Task HandshakeAsync()
    {
        Greeting = Encoding.ASCII.GetString(await ReadAsync(12));
        Assert.Equal("RFB 003.008\n", Greeting);
        await SendAsync(Encoding.ASCII.GetBytes("RFB 003.008\n"));
        var types = await ReadAsync((await ReadAsync(1))[0]);
        Assert.Contains((byte)1, types);
        await SendAsync([1]);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(await ReadAsync(4)));
        await SendAsync([1]);
        var init = await ReadAsync(24);
        Width = BinaryPrimitives.ReadUInt16BigEndian(init);
        Height = BinaryPrimitives.ReadUInt16BigEndian(init.AsSpan(2));
        BitsPerPixel = init[4];
        await ReadAsync((int)BinaryPrimitives.ReadUInt32BigEndian(init.AsSpan(20)));
    }

    /// <summary>
    /// Asks for the whole screen in raw encoding and returns how many of its pixels are not
    /// zero (black), reading rectangles until they cover the screen.
    /// </summary>
    public async Task<long> ReadFullFrameLitPixelsAsync()
    {
        byte[] encodings = [2, 0, 0, 1, 0, 0, 0, 0];
        await SendAsync(encodings);
        var request = new byte[10];
        request[0] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(6), (ushort)Width);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(8), (ushort)Height);
        await SendAsync(request);
        var bytesPerPixel = BitsPerPixel / 8;
        long covered = 0, lit = 0;
        while (covered < (long)Width * Height)
        {
            var header = await ReadAsync(4);
            Assert.Equal(0, header[0]);
            for (var r = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2)); r > 0; r--)
            {
                var rect = await ReadAsync(12);
                int w = BinaryPrimitives.ReadUInt16BigEndian(rect.AsSpan(4)), h = BinaryPrimitives.ReadUInt16BigEndian(rect.AsSpan(6));
                Assert.Equal(0, BinaryPrimitives.ReadInt32BigEndian(rect.AsSpan(8)));
                for (var row = 0; row < h; row++)
                {
                    var pixels = await ReadAsync(w * bytesPerPixel);
                    for (var i = 0; i < pixels.Length; i += bytesPerPixel)
                        if (pixels.AsSpan(i, bytesPerPixel).ContainsAnyExcept((byte)0))
                            lit++;
                }
                covered += (long)w * h;
            }
        }
        return lit;
    }

    private Task SendAsync(byte[] bytes) => WebSocket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>Exactly <paramref name="count"/> bytes of the stream, whatever the messages' boundaries.</summary>
    private async Task<byte[]> ReadAsync(int count)
    {
        var result = new byte[count];
        var filled = 0;
        using var timeout = new CancellationTokenSource(ReadTimeout);
        while (filled < count)
        {
            if (pendingStart == pendingEnd)
            {
                var r = await WebSocket.ReceiveAsync(pending, timeout.Token);
                if (r.MessageType == WebSocketMessageType.Close)
                    throw new InvalidOperationException($"The VNC WebSocket closed: {WebSocket.CloseStatus} {WebSocket.CloseStatusDescription}");
                Assert.Equal(WebSocketMessageType.Binary, r.MessageType);
                (pendingStart, pendingEnd) = (0, r.Count);
            }
            var n = Math.Min(count - filled, pendingEnd - pendingStart);
            Array.Copy(pending, pendingStart, result, filled, n);
            pendingStart += n;
            filled += n;
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (WebSocket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await WebSocket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        }
        WebSocket.Dispose();
        invoker.Dispose();
    }
}
