using Nube.Core.Qemu;
using Nube.Linux;
using Nube.Qemu.Launch;
using Nube.Qemu.Protocol;
using Nube.Service.Hosting;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Vms.Qemu;

/// <summary>QEMU processes on this Linux host: daemonized, unprivileged, found again by pidfile.</summary>
public sealed class LinuxQemuHost(NubedOptions options, ILogger<LinuxQemuHost> logger) : IQemuHost
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly QemuLauncher launcher = new(logger);

    public async Task<IQemuProcess> LaunchAsync(LaunchPlan plan, VmRuntimePaths paths, string marker, CancellationToken ct)
    {
        var user = QemuUser();
        PrepareVmDirectory(paths, user);
        PrepareScreenDirectory(paths, user);
        return await launcher.LaunchAsync(plan, paths, marker, ct).ConfigureAwait(false);
    }

    public IQemuProcess? Find(VmRuntimePaths paths, string marker, out bool pidFileFound)
    {
        pidFileFound = false;
        if (PidFile.Read(paths.PidFile) is not { } pid)
            return null;
        pidFileFound = true;
        var process = new QemuProcess(pid, marker);
        return process.IsAlive ? process : null;
    }

    public async Task<Stream> ConnectAsync(string socketPath, CancellationToken ct) =>
        await UnixSocket.ConnectAsync(socketPath, ct).ConfigureAwait(false);

    /// <summary>The uid and gid QEMU drops to; null when it keeps nubed's.</summary>
    private (uint Uid, uint Gid)? QemuUser()
    {
        if (string.IsNullOrEmpty(options.QemuUser))
            return null;
        return UnixFiles.LookupUser(options.QemuUser) ?? throw new HostNotReadyException("The QEMU user is missing",
            $"the user '{options.QemuUser}' that QEMU runs as does not exist; run scripts/install-deps.sh or pass --qemu-user.");
    }

    /// <summary>QEMU writes the saved state as its unprivileged user: it must own the VM's folder.</summary>
    private void PrepareVmDirectory(VmRuntimePaths paths, (uint Uid, uint Gid)? user)
    {
        Directory.CreateDirectory(paths.VmDirectory);
        if (user is not { } u)
            return;
        UnixFiles.Chown(paths.VmDirectory, u.Uid, u.Gid);
        if (UnixFiles.FirstUntraversableAncestor(paths.VmDirectory) is { } blocked)
            throw new HostNotReadyException("QEMU cannot reach the VM's folder",
                $"QEMU runs as '{options.QemuUser}', which cannot enter '{blocked}' to write the VM's saved state; " +
                "allow it (chmod o+x) or choose another --data-dir.");
    }

    /// <summary>
    /// QEMU writes screendumps as its unprivileged user, into a folder of its own inside the
    /// runtime folder. The runtime folder holds QEMU's control sockets, so only root and QEMU's
    /// group may enter it (0710), and the folder of all VMs' runtime folders may be crossed but
    /// not listed (0711). A run folder QEMU cannot cross only costs screenshots, so it is logged.
    /// </summary>
    private void PrepareScreenDirectory(VmRuntimePaths paths, (uint Uid, uint Gid)? user)
    {
        var allVms = Path.GetDirectoryName(paths.RuntimeDirectory)!;
        Directory.CreateDirectory(allVms);
        Directory.CreateDirectory(paths.RuntimeDirectory, OwnerOnly);
        Directory.CreateDirectory(paths.ScreenDirectory, OwnerOnly);
        if (user is not { } u)
            return;
        File.SetUnixFileMode(allVms, OwnerOnly | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        UnixFiles.Chown(paths.RuntimeDirectory, 0, u.Gid);
        File.SetUnixFileMode(paths.RuntimeDirectory, OwnerOnly | UnixFileMode.GroupExecute);
        UnixFiles.Chown(paths.ScreenDirectory, u.Uid, u.Gid);
        if (UnixFiles.FirstUntraversableAncestor(paths.RuntimeDirectory) is { } blocked)
            logger.LogWarning("QEMU runs as '{User}', which cannot enter '{Folder}': screenshots of the VM will fail; allow it (chmod o+x)",
                options.QemuUser, blocked);
    }
}
