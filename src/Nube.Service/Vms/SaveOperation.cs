using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.Linux;
using Nube.Qemu.Protocol;
using Nube.Service.Jobs;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms;

/// <summary>
/// Save (Hyper-V's Save): pause the processors, write memory and devices to the VM's folder,
/// then end QEMU. nubed makes the file and QEMU writes it through a passed descriptor
/// (<c>file:/dev/fdset/N</c>): QEMU cannot open anything in the VM's folder itself. Cancelled or failed before the state is whole, the partial file is deleted and
/// the VM goes on as it was, its processors resumed if it was running.
/// </summary>
public sealed class SaveOperation(IVmRun vm, VmServices services, ILogger logger)
{
    public async Task RunAsync(Job job, QemuSession run, VmTransition transition, CancellationToken ct)
    {
        var name = vm.Snapshot.Name;
        var partial = vm.Paths.SavedState + ".partial";
        vm.SetState(transition.During);
        try
        {
            job.Report("pausing the processors");
            await run.Qmp.StopAsync(ct).ConfigureAwait(false);
            await run.Qmp.MigrateSetParametersAsync(maxBandwidthBytesPerSecond: StartOperation.Bandwidth(services.Host.Config), ct: ct).ConfigureAwait(false);
            job.Report("saving memory", 0);
            File.Delete(partial);
            using var file = RegularFile.Create(partial, FileAccessMode.Write, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var fdset = await run.Qmp.AddFdAsync(file, ct).ConfigureAwait(false);
            await run.Qmp.MigrateAsync($"file:/dev/fdset/{fdset}", ct).ConfigureAwait(false);
            await run.Qmp.WaitForMigrationAsync(StartOperation.SaveTimeout, ct,
                info => job.Report("saving memory", StartOperation.Percent(info))).ConfigureAwait(false);
            await run.Qmp.RemoveFdAsync(fdset, ct).ConfigureAwait(false);
            RandomAccess.FlushToDisk(file);
        }
        catch (Exception e)
        {
            await UnwindAsync(run, partial, transition.From).ConfigureAwait(false);
            if (e is QmpException)
                throw new VmOperationFailedException("save", name, e);
            throw;
        }
        File.Move(partial, vm.Paths.SavedState, overwrite: true);
        job.Report("ending QEMU");
        await run.EndAsync().ConfigureAwait(false);
        vm.ForgetRun();
        vm.SetState(transition.Success);
    }

    /// <summary>Stops the migration, drops the partial file and puts the VM back as it was.</summary>
    private async Task UnwindAsync(QemuSession run, string partial, VmState from)
    {
        try
        {
            await run.Qmp.CancelMigrationAsync().ConfigureAwait(false);
            if (from == VmState.Running)
                await run.Qmp.ContAsync(CancellationToken.None).ConfigureAwait(false);
            vm.SetState(from);
        }
        catch (QmpException e)
        {
            // QEMU is gone or broken: what is left of the VM is found when its connection ends.
            logger.LogWarning("Could not put VM {Name} back after a save that did not finish: {Error}", vm.Snapshot.Name, e.Message);
            vm.SetState(from, $"The save did not finish and QEMU did not answer afterwards: {e.Message}");
        }
        finally
        {
            File.Delete(partial);
        }
    }
}
