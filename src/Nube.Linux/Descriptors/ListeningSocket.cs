using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Nube.Linux.Descriptors;

/// <summary>
/// A UNIX stream socket that nubed makes and listens on, for QEMU to serve (QMP, the guest
/// agent, COM1): the socket file lives in a folder only root may write, and QEMU only gets
/// the descriptor. nubed connects to the path as a client, as before. Made with the system
/// calls themselves: .NET's Socket deletes the file of a socket it bound when it is closed,
/// and nubed closes its copy as soon as QEMU holds one.
/// </summary>
public static partial class ListeningSocket
{
    /// <exception cref="IOException">The socket cannot be made; the message says why.</exception>
    public static SafeFileHandle Create(string path)
    {
        var name = Encoding.UTF8.GetBytes(path);
        if (name.Length >= PathBytes)
            throw new IOException($"the socket path is {name.Length} bytes long; the most a UNIX socket's path may have is {PathBytes - 1}");
        File.Delete(path);
        var fd = Socket(AfUnix, SockStream | SockCloExec, 0);
        if (fd < 0)
            throw Error("make a socket");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var address = new byte[2 + PathBytes];
            BitConverter.TryWriteBytes(address, (ushort)AfUnix);
            name.CopyTo(address, 2);
            if (Bind(fd, address, address.Length) != 0)
                throw Error($"bind the socket to '{path}'");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            if (Listen(fd, 4) != 0)
                throw Error("listen on the socket");
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static IOException Error(string what) =>
        new($"cannot {what}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    private const int PathBytes = 108;
    private const int AfUnix = 1;
    private const int SockStream = 1;
    private const int SockCloExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static partial int Bind(int fd, [In] byte[] address, int length);

    [LibraryImport("libc", EntryPoint = "listen", SetLastError = true)]
    private static partial int Listen(int fd, int backlog);
}
