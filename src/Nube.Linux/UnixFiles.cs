using System.Runtime.InteropServices;

namespace Nube.Linux;

/// <summary>The few libc file calls .NET does not offer: directory fsync, chown, user and group lookup.</summary>
public static partial class UnixFiles
{
    /// <summary>Makes a rename inside <paramref name="directory"/> durable.</summary>
    public static void FsyncDirectory(string directory)
    {
        var fd = Open(directory, ORdOnly | ODirectory);
        if (fd < 0)
            throw new IOException($"Cannot open directory '{directory}' to sync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>The gid of a group, or null when there is no such group.</summary>
    public static uint? LookupGroup(string name)
    {
        var entry = GetGrNam(name);
        return entry == IntPtr.Zero ? null : (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size);
    }

    /// <summary>Whether a user with this uid exists in the host's user database.</summary>
    public static bool UidTaken(uint uid) => GetPwUid(uid) != IntPtr.Zero;

    public static void Chown(string path, uint uid, uint gid)
    {
        if (ChownNative(path, uid, gid) != 0)
            throw new IOException($"Cannot give '{path}' to uid {uid} (errno {Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>
    /// The first folder above <paramref name="path"/> that other users cannot enter (no o+x), or
    /// null. QEMU reads a direct boot's kernel and initrd by path, as its VM's user, through these folders.
    /// </summary>
    public static string? FirstUntraversableAncestor(string path)
    {
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(path)); dir is not null; dir = Path.GetDirectoryName(dir))
            if ((File.GetUnixFileMode(dir) & UnixFileMode.OtherExecute) == 0)
                return dir;
        return null;
    }

    /// <summary>
    /// The path with every symbolic link in it followed (realpath(3)), or null when it does not
    /// exist or cannot be resolved.
    /// </summary>
    public static string? RealPath(string path)
    {
        var resolved = RealPathNative(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
            return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    /// <summary>A folder opened as a descriptor (read-only, close-on-exec), to pass on without its path.</summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle OpenDirectory(string path)
    {
        var fd = Open(path, ORdOnly | ODirectory | OCloExec);
        return fd >= 0 ? new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true)
            : throw new IOException($"Cannot open folder '{path}' (errno {Marshal.GetLastPInvokeError()}).");
    }

    private const int ORdOnly = 0;
    private const int OCloExec = 0x80000;
    private const int ODirectory = 0x10000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "getgrnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetGrNam(string name);

    [LibraryImport("libc", EntryPoint = "getpwuid")]
    private static partial IntPtr GetPwUid(uint uid);

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr RealPathNative(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(IntPtr pointer);

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChownNative(string path, uint uid, uint gid);
}
