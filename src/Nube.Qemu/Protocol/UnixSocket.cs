using System.Runtime.InteropServices;
using System.Net.Sockets;

namespace Nube.Qemu.Protocol;

/// <summary>Opens the host side of QEMU's UNIX sockets (QMP, guest agent chardev).</summary>
public static partial class UnixSocket
{
    /// <summary>
    /// A connected pair (socketpair): ours as a stream, theirs as a descriptor to pass to QEMU.
    /// Both ends are close-on-exec.
    /// </summary>
    public static (UnixSocketStream Ours, SafeSocketHandle Theirs) Pair()
    {
        var fds = new int[2];
        if (SocketPair(AfUnix, SockStream | SockCloExec, 0, fds) != 0)
            throw new IOException($"Cannot make a socket pair: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        var ours = new Socket(new SafeSocketHandle(fds[0], ownsHandle: true));
        return (new UnixSocketStream(ours), new SafeSocketHandle(fds[1], ownsHandle: true));
    }

    private const int AfUnix = 1;
    private const int SockStream = 1;
    private const int SockCloExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "socketpair", SetLastError = true)]
    private static partial int SocketPair(int domain, int type, int protocol, [Out] int[] fds);

    /// <summary>Connects to a stream socket at <paramref name="path"/>; the returned stream owns the socket.</summary>
    public static async Task<UnixSocketStream> ConnectAsync(string path, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
            return new UnixSocketStream(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
