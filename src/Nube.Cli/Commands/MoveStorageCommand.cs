using System.CommandLine;
using Nube.Cli.Jobs;
using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary><c>nube vm move-storage VM --to FOLDER</c>: moves a running VM's disk files to another folder of its host, following the job.</summary>
public static class MoveStorageCommand
{
    public static Command Build(Argument<string> vmArg)
    {
        var to = new Option<string>("--to") { Description = "The folder, under one of the host's storage roots; each disk keeps its file name", Required = true };
        var c = new Command("move-storage", "Move a running VM's disk files to another folder of this host while it runs") { vmArg, to };
        c.SetHandler(async (p, client, ct) =>
        {
            var request = new MoveStorageRequest { Folder = Path.GetFullPath(p.GetValue(to)!) };
            var follower = new JobFollower(client);
            var ended = await follower.FollowAsync(await follower.StartAsync(wait => client.Migrations.MoveStorageAsync(p.GetValue(vmArg)!, request, wait)), ct);
            JobOutcome.Report(p, ended, j => j.Result ?? $"The disks of VM '{j.VmName}' moved.");
        });
        return c;
    }
}
