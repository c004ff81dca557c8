using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;
using Nube.Core.Qemu;
using Nube.Linux;
using Nube.Linux.Descriptors;
using Nube.Linux.Processes;
using Nube.Qemu.Protocol;

namespace Nube.Service.Vms.Devices;

/// <summary>
/// Runs a device plan on a running QEMU, all or nothing: when a step fails, every step done so
/// far is taken back (each by its undo, in reverse order) and the error names the step.
/// </summary>
/// <param name="ports">The host side of the port steps: the VM's TAPs made, moved between bridges and deleted, and their guards.</param>
public sealed partial class DevicePlanRunner(QmpClient qmp, ILogger logger, IPortHost? ports = null)
{
    /// <summary>How long a guest has to let go of a device before its removal is given up (the device then stays).</summary>
    public static readonly TimeSpan RemovalTimeout = TimeSpan.FromSeconds(15);

    /// <returns>The files QEMU holds afterwards.</returns>
    public Task<ImmutableArray<RunningFile>> RunAsync(ImmutableArray<DeviceUnit> plan, ImmutableArray<RunningFile> files,
        Action<string> progress, CancellationToken ct) =>
        RunAsync([.. plan.Select(unit => (unit.Change.ToString(), unit.Steps))], files, progress, ct);

    /// <summary>One change's steps (a checkpoint, a merge), <paramref name="what"/> naming it in progress and errors.</summary>
    public Task<ImmutableArray<RunningFile>> RunAsync(string what, ImmutableArray<PlannedStep> steps, ImmutableArray<RunningFile> files,
        Action<string> progress, CancellationToken ct) => RunAsync([(what, steps)], files, progress, ct);

    private async Task<ImmutableArray<RunningFile>> RunAsync(IReadOnlyList<(string What, ImmutableArray<PlannedStep> Steps)> plan,
        ImmutableArray<RunningFile> files, Action<string> progress, CancellationToken ct)
    {
        var held = files.ToList();
        var done = new List<PlannedStep>();
        var count = plan.Sum(u => u.Steps.Length);
        foreach (var (what, steps) in plan)
        {
            foreach (var step in steps)
            {
                var phase = $"{what} ({done.Count + 1}/{count})";
                progress(phase);
                try
                {
                    await DoAsync(step.Do, held, percent => progress($"{phase}: {percent}%"), ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is QmpException or IOException or UnauthorizedAccessException or TimeoutException or OperationCanceledException
                                              or HostCommandException)
                {
                    await UndoAsync(done, held).ConfigureAwait(false);
                    throw new DevicePlanException($"Could not {what}: {step.Do.Describe()} failed: {e.Message}" +
                        (done.Count > 0 ? " Every earlier step was taken back." : ""), e);
                }
                done.Add(step);
            }
        }
        return [.. held];
    }

    private async Task UndoAsync(List<PlannedStep> done, List<RunningFile> held)
    {
        foreach (var undo in Enumerable.Reverse(done).SelectMany(s => s.Undo))
        {
            try
            {
                // Not cancellable: a half-taken-back plan is worse than a slow one.
                await DoAsync(undo, held, _ => { }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is QmpException or IOException or UnauthorizedAccessException or TimeoutException or HostCommandException)
            {
                logger.LogError("Taking back a device change: {Step} failed: {Error}", undo.Describe(), e.Message);
            }
        }
    }

    private async Task DoAsync(PlanStep step, List<RunningFile> held, Action<int> percent, CancellationToken ct)
    {
        switch (step)
        {
            case PassFileStep pass:
                using (var handle = Open(pass.File))
                {
                    var fdset = await qmp.AddFdAsync(handle, ct).ConfigureAwait(false);
                    held.Add(new RunningFile(pass.File.Node, pass.File.Path, fdset));
                }
                break;
            case DropFileStep drop:
                // The file given for this node and path (a DVD's old medium beside its new one), else the node's last.
                var file = held.LastOrDefault(f => f.Node == drop.File.Node && f.Path == drop.File.Path)
                    ?? held.LastOrDefault(f => f.Node == drop.File.Node);
                if (file is not null)
                {
                    await qmp.RemoveFdAsync(file.FdSet, ct).ConfigureAwait(false);
                    held.Remove(file);
                }
                break;
            case QmpStep call:
                var json = Placeholder().Replace(call.Arguments.ToJsonString(), m =>
                    held.LastOrDefault(f => f.Node == m.Groups[1].Value) is { } f ? $"/dev/fdset/{f.FdSet}"
                        : throw new IOException($"no file was handed to QEMU for block node '{m.Groups[1].Value}'"));
                using (var arguments = JsonDocument.Parse(json))
                    await qmp.ExecuteAsync(call.Command, arguments.RootElement.Clone(), ct: ct).ConfigureAwait(false);
                break;
            case ReopenWritableStep reopen:
                var set = held.LastOrDefault(f => f.Node == reopen.File.Node)
                    ?? throw new IOException($"no file was handed to QEMU for block node '{reopen.File.Node}'");
                var readOnly = await qmp.QueryFdSetAsync(set.FdSet, ct).ConfigureAwait(false);
                using (var handle = Open(reopen.File))
                    await qmp.AddFdAsync(handle, ct, set.FdSet).ConfigureAwait(false);
                await DoAsync(new QmpStep("blockdev-reopen", reopen.Reopen), held, percent, ct).ConfigureAwait(false);
                foreach (var fd in readOnly)
                    await qmp.RemoveFdAsync(set.FdSet, fd, ct).ConfigureAwait(false);
                break;
            case PortStep move:
                await Ports.SetPortAsync(move.Port, ct).ConfigureAwait(false);
                break;
            case AddPortStep add:
                await Ports.AddPortAsync(add.Port, ct).ConfigureAwait(false);
                break;
            case RemovePortStep remove:
                await Ports.RemovePortAsync(remove.Port, ct).ConfigureAwait(false);
                break;
            case TapBackendStep backend:
                await AddTapBackendAsync(backend, ct).ConfigureAwait(false);
                break;
            case BlockJobStep job:
                await new BlockJobFollower(qmp).FollowAsync(job, percent, ct).ConfigureAwait(false);
                break;
            case DeleteDeviceStep delete:
                var deleted = qmp.WaitForEventAsync("DEVICE_DELETED",
                    e => e.Data.TryGetProperty("device", out var d) && d.ValueKind == JsonValueKind.String && d.GetString() == delete.DeviceId,
                    RemovalTimeout, ct);
                await qmp.ExecuteAsync("device_del", new Dictionary<string, string> { ["id"] = delete.DeviceId }, ct: ct).ConfigureAwait(false);
                try
                {
                    await deleted.ConfigureAwait(false);
                }
                catch (QmpTimeoutException e)
                {
                    throw new TimeoutException($"the guest did not let go of {delete.DeviceId} within {RemovalTimeout.TotalSeconds:0} s; it stays attached", e);
                }
                break;
        }
    }

    private IPortHost Ports => ports ?? throw new IOException("this plan's runner cannot make or move switch ports");

    private async Task AddTapBackendAsync(TapBackendStep step, CancellationToken ct)
    {
        var passed = new List<string>();
        try
        {
            foreach (var name in step.Queues.Names)
            {
                using (var tap = TapDevice.Open(step.Queues.Tap, step.Queues.MultiQueue))
                    await qmp.GetFdAsync(name, tap, ct).ConfigureAwait(false);
                passed.Add(name);
            }
            using var arguments = JsonDocument.Parse(step.Netdev.ToJsonString());
            await qmp.ExecuteAsync("netdev_add", arguments.RootElement.Clone(), ct: ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or IOException or OperationCanceledException)
        {
            // netdev_add takes the descriptors it was given; those it did not take are closed here.
            foreach (var name in passed)
            {
                try
                {
                    await qmp.ExecuteAsync("closefd", new Dictionary<string, string> { ["fdname"] = name }, ct: CancellationToken.None).ConfigureAwait(false);
                }
                catch (QmpException closing)
                {
                    logger.LogWarning("Closing the descriptor {Name} QEMU was handed: {Error}", name, closing.Message);
                }
            }
            throw;
        }
    }

    private static SafeFileHandle Open(FdSet file)
    {
        try
        {
            return DiskModel.IsDevice(file.Path) ? RegularFile.OpenBlockDevice(file.Path, file.ReadOnly, file.Direct)
                : RegularFile.Open(file.Path, file.ReadOnly ? FileAccessMode.Read : FileAccessMode.ReadWrite, file.Direct).Handle;
        }
        catch (IOException e)
        {
            throw new IOException($"{file.Field}: {e.Message}", e);
        }
    }

    [GeneratedRegex(@"/dev/fdset/\$\{([a-z0-9-]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}

/// <summary>A device plan failed and was taken back; the message names the change and the step.</summary>
public sealed class DevicePlanException(string message, Exception inner) : Exception(message, inner);
