using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nube.Linux.Processes;

/// <summary>
/// Starts a long-lived program with exactly the descriptors it is given (posix_spawn): each
/// source handle at its target number, standard input from /dev/null, output and errors to a
/// log, in a session of its own (so that a signal to nubed's group never reaches it), with
/// default signal handling and a plain environment. .NET's Process cannot pass a descriptor
/// beyond 0-2, and every descriptor .NET opens is close-on-exec, so nothing else leaks into it.
/// </summary>
public static partial class ProcessSpawner
{
    /// <summary>Targets below this; the sources are first moved above it, so that no dup2 overwrites a later source.</summary>
    private const int SourceFloor = 1024;

    private static readonly string[] Environment = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"];

    /// <returns>The child's pid; it is reaped by <see cref="ChildReaper"/>.</returns>
    /// <exception cref="IOException">The program could not be started (the message says why).</exception>
    public static int Spawn(IReadOnlyList<string> argv, IReadOnlyDictionary<int, SafeHandle> descriptors, SafeFileHandle log)
    {
        var program = argv[0].StartsWith('/') ? argv[0] : ExecutableSearch.Find(argv[0])
            ?? throw new IOException($"'{argv[0]}' is not installed (not found on PATH).");
        var moved = new List<int>();
        var actions = Marshal.AllocHGlobal(ActionsBytes);
        var attributes = Marshal.AllocHGlobal(AttributesBytes);
        var signals = Marshal.AllocHGlobal(SigsetBytes);
        var strings = new List<IntPtr>();
        try
        {
            Check(FileActionsInit(actions), "posix_spawn_file_actions_init");
            Check(FileActionsAddOpen(actions, 0, "/dev/null", 0, 0), "addopen");
            var logFd = Move(log, moved);
            Check(FileActionsAddDup2(actions, logFd, 1), "adddup2");
            Check(FileActionsAddDup2(actions, logFd, 2), "adddup2");
            foreach (var (target, handle) in descriptors.OrderBy(d => d.Key))
            {
                if (target is < 3 or >= SourceFloor)
                    throw new ArgumentOutOfRangeException(nameof(descriptors), target, $"descriptor targets are 3 to {SourceFloor - 1}");
                Check(FileActionsAddDup2(actions, Move(handle, moved), target), "adddup2");
            }
            // Nothing else: not even a descriptor nubed itself inherited without close-on-exec.
            var last = descriptors.Count == 0 ? 2 : descriptors.Keys.Max();
            for (var gap = 3; gap < last; gap++)
                if (!descriptors.ContainsKey(gap))
                    Check(FileActionsAddOpen(actions, gap, "/dev/null", 0, 0), "addopen");
            Check(FileActionsAddCloseFrom(actions, last + 1), "addclosefrom_np");
            Check(AttrInit(attributes), "posix_spawnattr_init");
            Check(AttrSetFlags(attributes, SetSigDef | SetSigMask | SetSid), "posix_spawnattr_setflags");
            SigFillSet(signals);
            Check(AttrSetSigDefault(attributes, signals), "posix_spawnattr_setsigdefault");
            SigEmptySet(signals);
            Check(AttrSetSigMask(attributes, signals), "posix_spawnattr_setsigmask");
            var argvBlock = Strings(argv, strings);
            var envBlock = Strings(Environment, strings);
            var error = PosixSpawn(out var pid, program, actions, attributes, argvBlock, envBlock);
            if (error != 0)
                throw new IOException($"Cannot start '{program}': {Marshal.GetPInvokeErrorMessage(error)}.");
            ChildReaper.Watch(pid);
            return pid;
        }
        finally
        {
            FileActionsDestroy(actions);
            AttrDestroy(attributes);
            foreach (var fd in moved)
                Close(fd);
            foreach (var s in strings)
                Marshal.FreeHGlobal(s);
            Marshal.FreeHGlobal(actions);
            Marshal.FreeHGlobal(attributes);
            Marshal.FreeHGlobal(signals);
        }
    }

    /// <summary>A close-on-exec copy of the handle above <see cref="SourceFloor"/>, closed after the spawn.</summary>
    private static int Move(SafeHandle handle, List<int> moved)
    {
        var fd = Fcntl(checked((int)handle.DangerousGetHandle()), FDupFdCloExec, SourceFloor);
        if (fd < 0)
            throw new IOException($"Cannot duplicate a descriptor for QEMU: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
        moved.Add(fd);
        return fd;
    }

    private static IntPtr Strings(IReadOnlyList<string> values, List<IntPtr> owned)
    {
        var block = Marshal.AllocHGlobal(IntPtr.Size * (values.Count + 1));
        owned.Add(block);
        for (var i = 0; i < values.Count; i++)
        {
            var s = Marshal.StringToCoTaskMemUTF8(values[i]);
            // StringToCoTaskMemUTF8 memory is freed with FreeCoTaskMem, which is free() on Linux, as FreeHGlobal is.
            owned.Add(s);
            Marshal.WriteIntPtr(block, i * IntPtr.Size, s);
        }
        Marshal.WriteIntPtr(block, values.Count * IntPtr.Size, IntPtr.Zero);
        return block;
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
            throw new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(result)}.");
    }

    // glibc's opaque types are smaller than these (80, 336 and 128 bytes on x86_64 and arm64).
    private const int ActionsBytes = 256;
    private const int AttributesBytes = 1024;
    private const int SigsetBytes = 256;
    private const short SetSigDef = 0x04;
    private const short SetSigMask = 0x08;
    private const short SetSid = 0x80;
    private const int FDupFdCloExec = 1030;

    [LibraryImport("libc", EntryPoint = "posix_spawn", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int PosixSpawn(out int pid, string path, IntPtr actions, IntPtr attributes, IntPtr argv, IntPtr envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    private static partial int FileActionsInit(IntPtr actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    private static partial int FileActionsDestroy(IntPtr actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    private static partial int FileActionsAddDup2(IntPtr actions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FileActionsAddOpen(IntPtr actions, int fd, string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    private static partial int FileActionsAddCloseFrom(IntPtr actions, int from);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    private static partial int AttrInit(IntPtr attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    private static partial int AttrDestroy(IntPtr attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    private static partial int AttrSetFlags(IntPtr attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    private static partial int AttrSetSigDefault(IntPtr attributes, IntPtr signals);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    private static partial int AttrSetSigMask(IntPtr attributes, IntPtr signals);

    [LibraryImport("libc", EntryPoint = "sigfillset")]
    private static partial int SigFillSet(IntPtr signals);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    private static partial int SigEmptySet(IntPtr signals);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
