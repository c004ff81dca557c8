using Microsoft.Win32.SafeHandles;
using Nube.Core.Qemu;
using Nube.Core.Vms;
using Nube.Linux;
using Nube.Linux.Cgroups;
using Nube.Linux.Descriptors;
using Nube.Linux.Processes;
using Nube.Qemu.Launch;
using Nube.Qemu.Protocol;
using Nube.Service.Persistence;
using Nube.Service.Switches;
using Nube.Service.Vms.Devices;

namespace Nube.Service.Vms.Worker;

/// <summary>
/// QEMU processes on this Linux host, each as its VM's own user (see <see cref="VmUserStore"/>),
/// with no capability, no_new_privs and QEMU's whole seccomp sandbox. nubed opens everything
/// QEMU uses (disks, UEFI variables, saved state, its sockets, TAPs) and passes descriptors:
/// the VM's folders stay root's (0700), so QEMU has no folder it can write and nubed never
/// opens by path anything QEMU could have put there. Found again after a restart of nubed by
/// the pid nubed wrote, checked against the process's marker and uid.
/// </summary>
public sealed class LinuxQemuHost(VmUserStore users, CgroupHierarchy? cgroups, SwitchNetwork switches, SwitchBook book, ILogger<LinuxQemuHost> logger) : IQemuHost
{
    private const long LogBytes = 1024 * 1024;
    /// <summary>The line nubed writes before each start, so that a failed start shows only its own words.</summary>
    private const string LogStart = "--- QEMU starts";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public async Task<IQemuProcess> LaunchAsync(Guid vm, LaunchPlan plan, VmRuntimePaths paths, string marker, CancellationToken ct)
    {
        CheckRequiredFiles(plan);
        var user = await users.GetOrAllocateAsync(vm, ct).ConfigureAwait(false);
        PrepareFolder(paths.VmDirectory);
        PrepareFolder(Path.GetDirectoryName(paths.RuntimeDirectory)!);
        PrepareFolder(paths.RuntimeDirectory);
        foreach (var stale in Directory.EnumerateFileSystemEntries(paths.RuntimeDirectory))
            DeleteEntry(stale);
        foreach (var file in plan.FilesFromTemplates)
            VmFiles.CopyTemplate(file);
        // /dev/kvm is the one device QEMU opens itself, through its group.
        var kvm = plan.Argv.Contains("kvm") ? UnixFiles.LookupGroup("kvm") : null;
        var argv = JoinCgroup(vm, plan).Concat(user.Setpriv(kvm)).Concat(plan.Argv).ToList();
        logger.LogInformation("Starting QEMU as uid {Uid}: {Argv}", user.Uid, string.Join(' ', argv));
        int pid;
        // The TAPs of the VM's ports exist and are on their bridges before nubed opens them.
        await switches.PlugAsync(vm, plan.Ports, book.Find, ct).ConfigureAwait(false);
        var descriptors = OpenDescriptors(plan);
        try
        {
            KeepOthersOut(plan, descriptors);
            using var log = OpenLog(paths);
            pid = ProcessSpawner.Spawn(argv, descriptors, log);
        }
        catch (IOException e)
        {
            throw new QemuLaunchException(e.Message);
        }
        finally
        {
            DescriptorOpener.CloseAll(descriptors);
        }
        await AtomicFile.WriteAllTextAsync(paths.PidFile, $"{pid}\n", UnixFileMode.UserRead | UnixFileMode.UserWrite, CancellationToken.None)
            .ConfigureAwait(false);
        return new QemuProcess(pid, marker, user.Uid);
    }

    public IQemuProcess? Find(Guid vm, VmRuntimePaths paths, string marker, out bool pidFileFound)
    {
        var uid = users.Find(vm)?.Uid;
        // Without a pid written down, nubed may have stopped between the spawn and the write.
        var found = PidFile.Read(paths.PidFile) ?? (uid is { } u ? QemuProcess.FindByMarker(marker, u) : null);
        pidFileFound = found is not null;
        if (found is not { } pid)
            return null;
        // A QEMU of an older Nube ran as the shared QEMU user: found by its marker alone.
        var process = new QemuProcess(pid, marker, uid);
        return process.IsAlive ? process : null;
    }

    public async Task<Stream> ConnectAsync(string socketPath, CancellationToken ct) =>
        await UnixSocket.ConnectAsync(socketPath, ct).ConfigureAwait(false);

    public IPortHost Ports(Guid vm) => new SwitchPorts(vm, switches, book);

    public System.Runtime.InteropServices.SafeHandle SecretFolder(Guid vm, VmRuntimePaths paths, IReadOnlyDictionary<string, string> files)
    {
        var user = users.Find(vm) ?? throw new IOException($"VM {vm} has no user of its own: it does not run");
        var folder = Path.Join(paths.RuntimeDirectory, "secret");
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder, OwnerOnly);
        foreach (var (name, content) in files)
        {
            var file = Path.Join(folder, name);
            using (var written = RegularFile.Create(file, FileAccessMode.Write, UnixFileMode.UserRead))
                RandomAccess.Write(written, System.Text.Encoding.UTF8.GetBytes(content), 0);
            UnixFiles.Chown(file, user.Uid, user.Gid);
        }
        UnixFiles.Chown(folder, user.Uid, user.Gid);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return UnixFiles.OpenDirectory(folder);
    }

    public void ApplyLimits(Guid vm, ResourceLimits limits)
    {
        if (cgroups is { } hierarchy)
            new VmCgroup(hierarchy, vm).Apply(limits);
    }

    public void Released(Guid vm)
    {
        switches.Unplug(vm);
        if (cgroups is { } hierarchy)
            new VmCgroup(hierarchy, vm).Remove();
    }

    public Task ForgetAsync(Guid vm)
    {
        Released(vm);
        return users.ReleaseAsync(vm, CancellationToken.None);
    }

    /// <summary>
    /// The VM's cgroup, made with its limits, and the start of the command line that puts the
    /// process in it before it becomes QEMU: a shell (still root) writes its own pid into each
    /// hierarchy, then executes setpriv and QEMU in that same process, so that nothing QEMU ever
    /// allocates or starts is counted anywhere else.
    /// </summary>
    private IReadOnlyList<string> JoinCgroup(Guid vm, LaunchPlan plan)
    {
        if (cgroups is not { } hierarchy || plan.Limits is not { } limits)
            return [];
        var cgroup = new VmCgroup(hierarchy, vm);
        try
        {
            cgroup.Create(limits);
        }
        catch (IOException e)
        {
            throw new QemuLaunchException($"Cannot make the VM's cgroup: {e.Message}");
        }
        return ["/bin/sh", "-c", """while [ "$1" != -- ]; do echo $$ > "$1" || exit 126; shift; done; shift; exec "$@" """, "nube-cgroup",
            .. cgroup.ProcsFiles, "--"];
    }

    public string DescribeExit(IQemuProcess process, VmRuntimePaths paths)
    {
        var ending = ChildReaper.Ending(process.Pid, TimeSpan.FromSeconds(1));
        var said = VmFiles.Tail(Path.Join(paths.VmDirectory, VmStore.QemuLogFileName), 4096, LogStart);
        return (ending, said) switch
        {
            (null, "") => "",
            (null, _) => $"QEMU said: {said}",
            (_, "") => $"QEMU {ending}.",
            _ => $"QEMU {ending}: {said}",
        };
    }

    /// <summary>
    /// Every file the start needs, all problems at once: the kernel, initrd and firmware templates
    /// that QEMU or nubed reads by path (readable by every user), and the files nubed passes.
    /// </summary>
    private static void CheckRequiredFiles(LaunchPlan plan)
    {
        var made = plan.FilesFromTemplates.Select(t => t.Path).ToHashSet();
        var passed = plan.Descriptors.Where(d => d.Kind is DescriptorKind.ReadOnlyFile or DescriptorKind.ReadWriteFile && !made.Contains(d.Target))
            .Select(d => (d.Field, Path: d.Target, Why: File.Exists(d.Target) ? null : "does not exist"));
        var problems = plan.RequiredFiles.Select(f => (f.Field, f.Path, Why: VmFiles.ReadableByAll(f.Path))).Concat(passed)
            .Where(f => f.Why is not null)
            .Select(f => f.Why == "does not exist" ? $"{f.Field}: the file '{f.Path}' does not exist." : $"{f.Field}: '{f.Path}' {f.Why}.")
            .Distinct().ToList();
        if (problems.Count > 0)
            throw new QemuLaunchException(string.Join(Environment.NewLine, problems));
    }

    private static Dictionary<int, System.Runtime.InteropServices.SafeHandle> OpenDescriptors(LaunchPlan plan)
    {
        try
        {
            return DescriptorOpener.OpenAll(plan.Descriptors);
        }
        catch (IOException e)
        {
            throw new QemuLaunchException(e.Message);
        }
    }

    /// <summary>
    /// A disk the VM writes must not be readable or writable by every user of the host: each
    /// other VM's QEMU is such a user. Read-only images (DVDs, shared backing files) may be.
    /// </summary>
    private void KeepOthersOut(LaunchPlan plan, Dictionary<int, System.Runtime.InteropServices.SafeHandle> descriptors)
    {
        const UnixFileMode others = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        foreach (var d in plan.Descriptors.Where(d => d.Kind == DescriptorKind.ReadWriteFile))
        {
            var handle = (SafeFileHandle)descriptors[d.Fd];
            var mode = File.GetUnixFileMode(handle);
            if ((mode & others) == 0)
                continue;
            File.SetUnixFileMode(handle, mode & ~others);
            logger.LogWarning("{Field}: took the other users' access off '{Path}' (mode {Old} to {New}): every VM's QEMU is another user",
                d.Field, d.Target, Octal(mode), Octal(mode & ~others));
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    /// <summary>QEMU's own output (warnings, the reason it refused to start), kept in the VM's folder, rotated at 1 MiB.</summary>
    private static SafeFileHandle OpenLog(VmRuntimePaths paths)
    {
        var path = Path.Join(paths.VmDirectory, VmStore.QemuLogFileName);
        if (File.Exists(path) && new FileInfo(path).Length > LogBytes)
            File.Move(path, path + ".1", overwrite: true);
        if (!File.Exists(path))
            RegularFile.Create(path, FileAccessMode.Write, UnixFileMode.UserRead | UnixFileMode.UserWrite).Dispose();
        SafeFileHandle handle;
        try
        {
            handle = RegularFile.Open(path, FileAccessMode.Append).Handle;
        }
        catch (IOException e)
        {
            throw new IOException($"QEMU's log '{path}': {e.Message}", e);
        }
        RandomAccess.Write(handle, System.Text.Encoding.UTF8.GetBytes($"{LogStart} {DateTimeOffset.UtcNow:O}\n"), 0);
        return handle;
    }

    /// <summary>Root's alone: QEMU runs as another user and gets its files as descriptors.</summary>
    private static void PrepareFolder(string folder)
    {
        Directory.CreateDirectory(folder, OwnerOnly);
        UnixFiles.Chown(folder, 0, 0);
        File.SetUnixFileMode(folder, OwnerOnly);
    }

    private static void DeleteEntry(string path)
    {
        if (Directory.Exists(path) && !File.GetAttributes(path).HasFlag(FileAttributes.ReparsePoint))
            Directory.Delete(path, recursive: true);
        else
            File.Delete(path);
    }
}
