using System.CommandLine;
using Nube.Cli.Jobs;
using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary><c>nube vm move VM --to PEER [--quick | --with-storage [--storage-folder FOLDER]]</c>: moves a running VM to a peer host, following the job.</summary>
public static class MoveCommand
{
    public static Command Build(Argument<string> vmArg)
    {
        var to = new Option<string>("--to") { Description = "The peer host, as 'nube host peer list' names it", Required = true };
        var quick = new Option<bool>("--quick") { Description = "Pause the VM first, then move it (quick migration), instead of moving it while it runs" };
        var (withStorage, folder) = StorageOptions();
        var c = new Command("move", "Move a running VM to a peer host (live migration); its disks stay where both hosts reach them, or are copied (--with-storage)")
        {
            vmArg, to, quick, withStorage, folder,
        };
        c.SetHandler(async (p, client, ct) =>
        {
            var request = new MoveRequest { To = p.GetValue(to)!, Live = !p.GetValue(quick), WithStorage = p.GetValue(withStorage), StorageFolder = p.GetValue(folder) };
            var follower = new JobFollower(client);
            var ended = await follower.FollowAsync(await follower.StartAsync(wait => client.Migrations.MoveAsync(p.GetValue(vmArg)!, request, wait)), ct);
            JobOutcome.Report(p, ended, j => $"VM '{j.VmName}': {j.Result}");
        });
        return c;
    }

    /// <summary>The options of a shared-nothing move, for move and move-check alike.</summary>
    public static (Option<bool> WithStorage, Option<string?> Folder) StorageOptions() => (
        new Option<bool>("--with-storage") { Description = "Copy the VM's disk files to the peer while it runs (shared-nothing live migration); they are deleted here once the peer has the VM" },
        new Option<string?>("--storage-folder") { Description = "With --with-storage: the peer's folder for the disk files (each keeps its name); by default each goes to the same path there" });
}
