using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Nube.Core.Qemu;
using Nube.Core.Vms;
using Nube.Qemu.Launch;
using Nube.Service.Vms.Devices;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Tests.Fakes;

/// <summary>
/// The QEMU seam with fake QEMUs behind it: launching writes a pidfile and starts a fake whose
/// QMP and guest-agent sockets are in-memory streams; finding reads the pidfile as the real one
/// does. It outlives a harness, so that a second host service can find the QEMUs of the first.
/// </summary>
internal sealed class FakeQemuHost(FakeTimeProvider clock) : IQemuHost
{
    private readonly Lock sync = new();
    private readonly List<FakeQemu> launched = [];
    private int nextPid = 40_000;

    /// <summary>The time its processes wait by; a host service that restarts on these QEMUs shares it.</summary>
    public FakeTimeProvider Clock { get; } = clock;

    /// <summary>Runs on every fake as it is launched, before the service can talk to it (hold a command, set the guest's behaviour).</summary>
    public Action<FakeQemu>? OnLaunch { get; set; }

    /// <summary>Every fake launched, in order.</summary>
    public IReadOnlyList<FakeQemu> Launched
    {
        get
        {
            lock (sync)
                return [.. launched];
        }
    }

    public IReadOnlyList<FakeQemu> Alive => [.. Launched.Where(q => q.IsAlive)];

    public IReadOnlyList<FakeQemu> LaunchedFor(Guid vmId) =>
        [.. Launched.Where(q => q.Marker == $"nube-{vmId}")];

    public Task<IQemuProcess> LaunchAsync(Guid vm, LaunchPlan plan, VmRuntimePaths paths, string marker, CancellationToken ct)
    {
        var missing = plan.RequiredFiles.Concat(plan.Descriptors.Where(d => d.Kind is DescriptorKind.ReadOnlyFile or DescriptorKind.ReadWriteFile)
                .Select(d => new RequiredFile(d.Field, d.Target)))
            .Where(f => !File.Exists(f.Path)).ToList();
        if (missing.Count > 0)
            throw new QemuLaunchException(string.Join(Environment.NewLine, missing.Select(f => $"{f.Field}: the file '{f.Path}' does not exist.")));
        Directory.CreateDirectory(paths.VmDirectory);
        Directory.CreateDirectory(paths.RuntimeDirectory);
        FakeQemu qemu;
        lock (sync)
        {
            qemu = new FakeQemu(++nextPid, plan, paths, marker, Clock);
            launched.Add(qemu);
        }
        OnLaunch?.Invoke(qemu);
        File.WriteAllText(paths.PidFile, $"{qemu.Pid}\n");
        return Task.FromResult<IQemuProcess>(new FakeProcess(qemu, Clock));
    }

    public IQemuProcess? Find(Guid vm, VmRuntimePaths paths, string marker, out bool pidFileFound)
    {
        pidFileFound = false;
        if (PidFile.Read(paths.PidFile) is not { } pid)
            return null;
        pidFileFound = true;
        var qemu = Launched.FirstOrDefault(q => q.Pid == pid && q.Marker == marker && q.IsAlive);
        return qemu is null ? null : new FakeProcess(qemu, Clock);
    }

    public Task<Stream> ConnectAsync(string socketPath, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var qemu = Launched.LastOrDefault(q => q.IsAlive && Path.GetDirectoryName(socketPath) == q.Paths.RuntimeDirectory)
            ?? throw new SocketException((int)SocketError.ConnectionRefused);
        if (socketPath == qemu.Paths.QmpSocket)
            return Task.FromResult(qemu.ConnectQmp());
        if (socketPath == qemu.Paths.AgentSocket)
            return Task.FromResult(qemu.ConnectAgent());
        throw new SocketException((int)SocketError.ConnectionRefused);
    }

    /// <summary>Each VM's limits as the service last applied them while it ran.</summary>
    public ConcurrentDictionary<Guid, ResourceLimits> AppliedLimits { get; } = new();

    /// <summary>The folder with the file in it, as the real host makes it (for the root user here).</summary>
    public System.Runtime.InteropServices.SafeHandle SecretFolder(Guid vm, VmRuntimePaths paths, IReadOnlyDictionary<string, string> files)
    {
        var folder = Directory.CreateDirectory(Path.Join(paths.RuntimeDirectory, "secret")).FullName;
        foreach (var (name, content) in files)
            File.WriteAllText(Path.Join(folder, name), content);
        return Nube.Linux.UnixFiles.OpenDirectory(folder);
    }

    public void ApplyLimits(Guid vm, ResourceLimits limits) => AppliedLimits[vm] = limits;

    /// <summary>Each VM's ports as the service last moved them while it ran (TAP to switch, null for none).</summary>
    public ConcurrentDictionary<string, string?> MovedPorts { get; } = new();

    public IPortHost Ports(Guid vm) => new Recorder(MovedPorts);

    /// <summary>Records where ports go; a fake QEMU has no adapter to add or remove (device_add is the end-to-end tests').</summary>
    private sealed class Recorder(ConcurrentDictionary<string, string?> moved) : IPortHost
    {
        public Task SetPortAsync(SwitchPort port, CancellationToken ct)
        {
            moved[port.Tap] = port.Switch;
            return Task.CompletedTask;
        }

        public Task AddPortAsync(SwitchPort port, CancellationToken ct) => throw new NotSupportedException("a fake QEMU has no device_add");

        public Task RemovePortAsync(SwitchPort port, CancellationToken ct) => throw new NotSupportedException("a fake QEMU has no device_add");
    }

    /// <summary>A fake QEMU holds nothing on the host (no cgroup) to give back.</summary>
    public void Released(Guid vm)
    {
    }

    public Task ForgetAsync(Guid vm) => Task.CompletedTask;

    /// <summary>A fake QEMU has no exit status nor output for the host to read.</summary>
    public string DescribeExit(IQemuProcess process, VmRuntimePaths paths) => "";

    /// <summary>Kills every fake still alive (the end of a test).</summary>
    public void KillAll()
    {
        foreach (var qemu in Alive)
        {
            qemu.ReleaseAll();
            qemu.Kill();
        }
    }
}
