using Nube.Core.Qemu;
using Nube.Core.Vms;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Devices;

/// <summary>
/// A running VM's device changes: the plan from what QEMU runs to what is desired, run as a job
/// (<c>change-devices</c>) whose progress names each change and step. Only the VM's controller
/// calls it, on its loop.
/// </summary>
public sealed class HotPlug(VmController vm, VmServices services, ILogger logger)
{
    public const string JobKind = "change-devices";

    /// <returns>The new running state; the same one when no device changes.</returns>
    /// <exception cref="VmOperationFailedException">A step failed; every step was taken back.</exception>
    public async Task<RunningVm> ApplyAsync(QemuSession run, RunningVm running, VmConfig next)
    {
        if (DeviceDiff.Compute(running.Config, next).IsEmpty)
            return running;
        var backing = await services.Disks.ReadChainsAsync(next, CancellationToken.None).ConfigureAwait(false);
        // The disks added now; those QEMU already has open are not to be read under it.
        var open = DiskIds(running.Config).ToHashSet();
        await services.Disks.CheckImagesAsync(next, id => !open.Contains(id), CancellationToken.None).ConfigureAwait(false);
        var plan = DevicePlan.Plan(running.Config, next, backing);
        var job = services.Jobs.Create(vm.Id, vm.Snapshot.Name, JobKind);
        job.MarkRunning(null);
        try
        {
            var runner = new DevicePlanRunner(run.Qmp, logger, services.Qemu.Ports(vm.Id));
            var files = await runner.RunAsync(plan, running.Files, phase => job.Report(phase),
                job.Cancellation.Token).ConfigureAwait(false);
            var now = running with
            {
                Config = running.Config with { IdeDrives = next.IdeDrives, ScsiControllers = next.ScsiControllers, NetworkAdapters = next.NetworkAdapters },
                Files = files,
            };
            await now.WriteAsync(vm.Paths.RunningState).ConfigureAwait(false);
            var done = string.Join("; ", plan.Select(unit => unit.Change.ToString()));
            logger.LogInformation("VM {Name}: {Changes}", vm.Snapshot.Name, done);
            services.Jobs.Complete(job, vm.Snapshot, done);
            return now;
        }
        catch (DevicePlanException e)
        {
            services.Jobs.Fail(job, e, vm.Snapshot);
            throw new VmOperationFailedException("change the devices of", vm.Snapshot.Name, e);
        }
    }

    private static IEnumerable<string> DiskIds(VmConfig config) =>
        config.IdeDrives.Select(d => d.Id).Concat(config.ScsiControllers.SelectMany(c => c.Disks.Select(d => d.Id)));
}
