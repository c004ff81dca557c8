using System.Net.Sockets;

namespace Nube.Qemu.Protocol;

/// <summary>Opens the host side of QEMU's UNIX sockets (QMP, guest agent chardev).</summary>
public static class UnixSocket
{
    /// <summary>Connects to a stream socket at <paramref name="path"/>; the returned stream owns the socket.</summary>
    public static async Task<NetworkStream> ConnectAsync(string path, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
