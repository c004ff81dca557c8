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
    private readonly QemuLauncher launcher = new(logger);

    public async Task<IQemuProcess> LaunchAsync(LaunchPlan plan, VmRuntimePaths paths, string marker, CancellationToken ct)
    {
        PrepareVmDirectory(paths);
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

    /// <summary>QEMU writes the saved state as its unprivileged user: it must own the VM's folder.</summary>
    private void PrepareVmDirectory(VmRuntimePaths paths)
    {
        Directory.CreateDirectory(paths.VmDirectory);
        if (string.IsNullOrEmpty(options.QemuUser))
            return;
        var user = UnixFiles.LookupUser(options.QemuUser) ?? throw new HostNotReadyException("The QEMU user is missing",
            $"the user '{options.QemuUser}' that QEMU runs as does not exist; run scripts/install-deps.sh or pass --qemu-user.");
        UnixFiles.Chown(paths.VmDirectory, user.Uid, user.Gid);
        if (UnixFiles.FirstUntraversableAncestor(paths.VmDirectory) is { } blocked)
            throw new HostNotReadyException("QEMU cannot reach the VM's folder",
                $"QEMU runs as '{options.QemuUser}', which cannot enter '{blocked}' to write the VM's saved state; " +
                "allow it (chmod o+x) or choose another --data-dir.");
    }
}
