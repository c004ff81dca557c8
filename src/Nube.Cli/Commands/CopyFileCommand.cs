using System.CommandLine;
using Nube.Cli.Jobs;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary><c>nube vm copy-file</c>: a host file into the running guest, as Hyper-V's Copy-VMFile.</summary>
public static class CopyFileCommand
{
    public static Command Build(Argument<string> vmArg)
    {
        var source = new Option<string>("--source") { Description = "The host file (under the host's storage roots)", Required = true };
        var destination = new Option<string>("--destination") { Description = "The file's absolute path in the guest", Required = true };
        var createPath = new Option<bool>("--create-path") { Description = "Make the destination's folder when it is missing" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a file already at the destination" };
        var noWait = OperationCommands.NoWait();
        var c = new Command("copy-file", "Copy a host file into the running guest (needs guest services), checking its SHA-256 in the guest")
        {
            vmArg, source, destination, createPath, overwrite, noWait,
        };
        c.SetHandler(async (p, client, ct) =>
        {
            var vm = p.GetValue(vmArg)!;
            // A relative source is the caller's: the host service sees only absolute paths.
            var request = new FileCopyRequest
            {
                Source = Path.GetFullPath(p.GetValue(source)!), Destination = p.GetValue(destination),
                CreatePath = p.GetValue(createPath), Overwrite = p.GetValue(overwrite),
            };
            if (p.GetValue(noWait))
            {
                var queued = await client.CopyFileAsync(vm, request, 0, ct);
                Printer.Say(p, queued, ContractsJson.Default.JobInfo, j => j.Id.ToString());
                return;
            }
            var follower = new JobFollower(client);
            var ended = await follower.FollowAsync(await follower.StartAsync(wait => client.CopyFileAsync(vm, request, wait, CancellationToken.None)), ct);
            JobOutcome.Report(p, ended, j => j.Result ?? JobText.Completed(j));
        });
        return c;
    }
}
