using System.CommandLine;
using Nube.Cli.Jobs;
using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary><c>nube vm move VM --to PEER [--quick]</c>: moves a running VM to a peer host, following the job's passes.</summary>
public static class MoveCommand
{
    public static Command Build(Argument<string> vmArg)
    {
        var to = new Option<string>("--to") { Description = "The peer host, as 'nube host peer list' names it", Required = true };
        var quick = new Option<bool>("--quick") { Description = "Pause the VM first, then move it (quick migration), instead of moving it while it runs" };
        var c = new Command("move", "Move a running VM to a peer host (live migration); its disks stay where both hosts reach them") { vmArg, to, quick };
        c.SetHandler(async (p, client, ct) =>
        {
            var request = new MoveRequest { To = p.GetValue(to)!, Live = !p.GetValue(quick) };
            var follower = new JobFollower(client);
            var ended = await follower.FollowAsync(await follower.StartAsync(wait => client.Migrations.MoveAsync(p.GetValue(vmArg)!, request, wait)), ct);
            JobOutcome.Report(p, ended, j => $"VM '{j.VmName}': {j.Result}");
        });
        return c;
    }
}
