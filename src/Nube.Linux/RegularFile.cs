using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nube.Linux;

/// <summary>How a <see cref="RegularFile"/> is opened.</summary>
public enum FileAccessMode
{
    Read,
    Write,
    ReadWrite,
    /// <summary>Writes go to the end, whoever else writes (O_APPEND).</summary>
    Append,
}

/// <summary>
/// Opens a file only if it is a regular file, judged on the opened descriptor so that nothing
/// can swap the path between the check and the open: O_NOFOLLOW refuses a link as the last
/// component, O_NONBLOCK keeps a FIFO from blocking the open, and statx on the descriptor tells
/// its type and size. The descriptor is close-on-exec: it reaches a child only when passed on purpose.
/// </summary>
public static partial class RegularFile
{
    /// <summary>The open file and its size.</summary>
    /// <exception cref="IOException">It cannot be opened, or it is not a regular file (the message says what it is).</exception>
    public static (SafeFileHandle Handle, long Length) OpenForReading(string path) => Open(path, FileAccessMode.Read);

    /// <summary>Opens an existing regular file; the message of the error says why it cannot be.</summary>
    /// <param name="direct">With O_DIRECT (a disk whose cache is direct: QEMU matches it).</param>
    /// <exception cref="IOException">It cannot be opened, or it is not a regular file.</exception>
    public static (SafeFileHandle Handle, long Length) Open(string path, FileAccessMode access, bool direct = false) =>
        OpenChecked(path, Flags(access) | (direct ? ODirect : 0), 0);

    /// <summary>Creates a new regular file with <paramref name="mode"/>; an existing file or link there is an error.</summary>
    public static SafeFileHandle Create(string path, FileAccessMode access, UnixFileMode mode) =>
        OpenChecked(path, Flags(access) | OCreat | OExcl, (int)mode).Handle;

    /// <summary>
    /// Opens a host block device (a passthrough disk) exclusively (<c>O_EXCL</c>): the kernel
    /// refuses it while a file system on it is mounted or another holder (a VM's QEMU, which keeps
    /// this descriptor) has it, and keeps it from being mounted while the VM has it. Links are
    /// followed: <c>/dev/disk/by-id</c> names are links.
    /// </summary>
    public static SafeFileHandle OpenBlockDevice(string path, bool readOnly, bool direct = false) =>
        OpenChecked(path, (readOnly ? ORdOnly : ORdWr) | OExcl | ONonBlock | OCloExec | (direct ? ODirect : 0), 0, SIfBlk).Handle;

    private static int Flags(FileAccessMode access) => access switch
    {
        FileAccessMode.Write => OWrOnly,
        FileAccessMode.Append => OWrOnly | OAppend,
        FileAccessMode.ReadWrite => ORdWr,
        _ => ORdOnly,
    } | ONoFollow | ONonBlock | OCloExec;

    private static (SafeFileHandle Handle, long Length) OpenChecked(string path, int flags, int mode, int expected = SIfReg)
    {
        var fd = Open(path, flags, mode);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException(errno switch
            {
                ELoop => "it is a symbolic link",
                EBusy => "it is in use: mounted on the host, or another VM has it",
                _ => $"it cannot be opened: {Marshal.GetPInvokeErrorMessage(errno)}",
            });
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var buffer = new byte[StatxBufferBytes];
            if (Statx(fd, "", AtEmptyPath, StatxMaskType | StatxMaskSize, buffer) != 0)
                throw new IOException($"its type cannot be read: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            var type = BitConverter.ToUInt16(buffer, ModeOffset) & SIfMt;
            if (type != expected)
                throw new IOException($"it is {Kind(type)}, not {Kind(expected)}");
            return (handle, (long)BitConverter.ToUInt64(buffer, SizeOffset));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static string Kind(int mode) => mode switch
    {
        SIfReg => "a regular file",
        SIfDir => "a folder",
        SIfChr => "a character device",
        SIfBlk => "a block device",
        SIfIfo => "a FIFO",
        SIfSock => "a socket",
        _ => "a special file",
    };

    private const int ORdOnly = 0;
    private const int OWrOnly = 1;
    private const int ORdWr = 2;
    private const int OCreat = 0x40;
    private const int OExcl = 0x80;
    private const int OAppend = 0x400;
    private const int ONonBlock = 0x800;
    private const int ODirect = 0x4000;
    private const int ONoFollow = 0x20000;
    private const int OCloExec = 0x80000;
    private const int ELoop = 40;
    private const int EBusy = 16;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxMaskType = 0x1;
    private const uint StatxMaskSize = 0x200;
    // struct statx has one layout on every architecture: stx_mode (u16) at 28, stx_size (u64) at 40.
    private const int StatxBufferBytes = 256;
    private const int ModeOffset = 28;
    private const int SizeOffset = 40;
    private const int SIfMt = 0xF000;
    private const int SIfSock = 0xC000;
    private const int SIfReg = 0x8000;
    private const int SIfBlk = 0x6000;
    private const int SIfDir = 0x4000;
    private const int SIfChr = 0x2000;
    private const int SIfIfo = 0x1000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);
}
