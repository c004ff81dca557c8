using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nube.Linux.Descriptors;

/// <summary>
/// Attaches to an existing TAP device through /dev/net/tun (TUNSETIFF), as root, so that QEMU
/// gets the descriptor and needs neither the device node nor CAP_NET_ADMIN. A missing TAP is an
/// error, never made here: TUNSETIFF would otherwise create a new, unconfigured one.
/// </summary>
public static partial class TapDevice
{
    /// <exception cref="IOException">The TAP does not exist, or the kernel refused it (the message says why).</exception>
    public static SafeFileHandle Open(string name, bool multiQueue)
    {
        if (name.Length is 0 or >= NameBytes || name.Contains('/') || !Directory.Exists($"/sys/class/net/{name}"))
            throw new IOException($"the TAP device '{name}' does not exist; make it first (ip tuntap add dev {name} mode tap{(multiQueue ? " multi_queue" : "")})");
        var fd = Open("/dev/net/tun", ORdWr | OCloExec);
        if (fd < 0)
            throw new IOException($"cannot open /dev/net/tun: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var request = new byte[IfReqBytes];
        System.Text.Encoding.ASCII.GetBytes(name, request);
        BitConverter.TryWriteBytes(request.AsSpan(NameBytes), (short)(IffTap | IffNoPi | IffVnetHdr | (multiQueue ? IffMultiQueue : 0)));
        if (Ioctl(fd, TunSetIff, request) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            var hint = errno == EInval ? $" (is it a TAP{(multiQueue ? " made with multi_queue" : " made without multi_queue")}?)" : "";
            throw new IOException($"cannot attach to the TAP device '{name}': {Marshal.GetPInvokeErrorMessage(errno)}{hint}");
        }
        return handle;
    }

    /// <summary>
    /// Deletes a persistent TAP that no process holds, at once and without a subprocess: attaches
    /// in its queue mode and clears its persistence, so that the device goes with the descriptor.
    /// False when it does not exist.
    /// </summary>
    /// <exception cref="IOException">The kernel refused (a process still holds it, for one).</exception>
    public static bool Delete(string name)
    {
        if (name.Length is 0 or >= NameBytes || name.Contains('/') || !Directory.Exists($"/sys/class/net/{name}"))
            return false;
        var errno = 0;
        foreach (var multiQueue in new[] { false, true })
        {
            var fd = Open("/dev/net/tun", ORdWr | OCloExec);
            if (fd < 0)
                throw new IOException($"cannot open /dev/net/tun: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            using var handle = new SafeFileHandle(fd, ownsHandle: true);
            var request = new byte[IfReqBytes];
            System.Text.Encoding.ASCII.GetBytes(name, request);
            BitConverter.TryWriteBytes(request.AsSpan(NameBytes), (short)(IffTap | IffNoPi | (multiQueue ? IffMultiQueue : 0)));
            if (Ioctl(fd, TunSetIff, request) != 0)
            {
                errno = Marshal.GetLastPInvokeError();
                if (errno == EInval)
                    continue;
                break;
            }
            if (IoctlValue(fd, TunSetPersist, 0) != 0)
                throw new IOException($"cannot delete the TAP device '{name}': {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            return true;
        }
        throw new IOException($"cannot delete the TAP device '{name}': {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    private const int NameBytes = 16;
    private const int IfReqBytes = 40;
    private const int ORdWr = 2;
    private const int OCloExec = 0x80000;
    private const int EInval = 22;
    private const short IffTap = 0x0002;
    private const short IffNoPi = 0x1000;
    private const short IffVnetHdr = 0x4000;
    private const short IffMultiQueue = 0x0100;
    private const uint TunSetIff = 0x400454ca;
    private const uint TunSetPersist = 0x400454cb;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, uint request, [In] byte[] ifreq);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlValue(int fd, uint request, nint value);
}
