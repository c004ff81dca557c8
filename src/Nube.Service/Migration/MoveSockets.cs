using System.Net;
using System.Net.Sockets;
using Nube.Service.Hosts;

namespace Nube.Service.Migration;

/// <summary>
/// The sockets of a move, made by nubed and handed to QEMU (<c>fd:</c>): QEMU opens none itself,
/// so its sandbox and the host's guard against VMs reaching local services stay whole.
/// </summary>
public static class MoveSockets
{
    /// <summary>A connection to the peer's port, within <see cref="HostPeers.CheckTimeout"/>.</summary>
    /// <exception cref="MoveFailedException">The port cannot be reached.</exception>
    public static async Task<Socket> ConnectAsync(string peer, string host, int port, string what, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(HostPeers.CheckTimeout);
        try
        {
            await socket.ConnectAsync(host, port, limit.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            socket.Dispose();
            throw new MoveFailedException($"Cannot reach {peer} at {host} port {port} for {what}: {e.Message}");
        }
    }

    /// <summary>A socket listening on a free port of <paramref name="address"/>.</summary>
    /// <exception cref="MoveFailedException">It cannot listen there.</exception>
    public static Socket Listen(IPAddress address, string what)
    {
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(address, 0));
            listener.Listen(8);
            return listener;
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new MoveFailedException($"Cannot listen on {address} for {what}: {e.Message}");
        }
    }

    public static int Port(Socket listener) => ((IPEndPoint)listener.LocalEndPoint!).Port;
}
