using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Nube.Qemu.Protocol;

/// <summary>
/// A connected UNIX stream socket that can also pass a descriptor, as QMP's <c>add-fd</c> and
/// <c>getfd</c> take one: .NET's Socket has no API for SCM_RIGHTS, so this is sendmsg(2) itself.
/// </summary>
public sealed partial class UnixSocketStream(Socket socket) : NetworkStream(socket, ownsSocket: true), IDescriptorStream
{
    public void SendWithDescriptor(ReadOnlySpan<byte> bytes, SafeHandle descriptor)
    {
        var sent = SendFirst(bytes, checked((int)descriptor.DangerousGetHandle()));
        // The descriptor went with the first byte; anything left is plain data.
        if (sent < bytes.Length)
            Socket.Send(bytes[sent..]);
    }

    private unsafe int SendFirst(ReadOnlySpan<byte> bytes, int fd)
    {
        // struct cmsghdr { size_t len; int level; int type; } then the int, padded to 8 bytes.
        const int headerBytes = 16;
        var control = stackalloc byte[headerBytes + 8];
        *(ulong*)control = headerBytes + sizeof(int);
        *(int*)(control + 8) = SolSocket;
        *(int*)(control + 12) = ScmRights;
        *(int*)(control + headerBytes) = fd;
        fixed (byte* data = bytes)
        {
            var iov = new IoVec { Base = data, Length = (nuint)bytes.Length };
            var message = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = headerBytes + 8 };
            for (var attempt = 0; ; attempt++)
            {
                var n = SendMsg(checked((int)Socket.Handle), &message, MsgNoSignal);
                if (n >= 0)
                    return (int)n;
                var errno = Marshal.GetLastPInvokeError();
                // .NET keeps its sockets non-blocking: a full buffer is waited out briefly.
                if (errno is not (EAgain or EIntr) || attempt >= 1000)
                    throw new IOException($"Cannot pass a descriptor over the socket: {Marshal.GetPInvokeErrorMessage(errno)}");
                Thread.Sleep(1);
            }
        }
    }

    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int MsgNoSignal = 0x4000;
    private const int EAgain = 11;
    private const int EIntr = 4;

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MsgHdr
    {
        public void* Name;
        public int NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static unsafe partial nint SendMsg(int socket, MsgHdr* message, int flags);
}
