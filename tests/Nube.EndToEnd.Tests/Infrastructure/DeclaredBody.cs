using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// An HTTP/1.1 request written by hand, for a body the host refuses by its declared length: only
/// the headers and the body's first bytes are sent (a client writing all of it would meet the
/// host's close as a broken pipe before it read the answer), then the answer is read to its end.
/// </summary>
public static class DeclaredBody
{
    private const int BytesSent = 64;

    public sealed record Answer(int Status, string Text);

    public static async Task<Answer> SendAsync(EndPointConnection connect, string method, string path, string json)
    {
        using var socket = await connect();
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var body = Encoding.UTF8.GetBytes(json);
        var head = $"{method} /{path.TrimStart('/')} HTTP/1.1\r\nHost: nubed\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body.AsMemory(0, Math.Min(BytesSent, body.Length)));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer, limit.Token);
        var text = Encoding.UTF8.GetString(answer.ToArray());
        return new Answer(int.Parse(text.Split(' ')[1], CultureInfo.InvariantCulture), text);
    }

    public delegate Task<Socket> EndPointConnection();

    public static EndPointConnection Tcp(int port) => async () =>
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
        return socket;
    };

    public static EndPointConnection Unix(string path) => async () =>
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        return socket;
    };
}
