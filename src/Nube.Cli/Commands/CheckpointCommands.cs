using System.CommandLine;
using Nube.Cli.Jobs;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Client;
using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary>
/// <c>nube vm checkpoint new|list|apply|remove|rename</c>: Hyper-V's checkpoints. New, apply and
/// remove are jobs, followed with their progress (Ctrl+C cancels); the list is the tree Hyper-V
/// Manager shows, with "Now" under the checkpoint the VM's current state comes from.
/// </summary>
public static class CheckpointCommands
{
    public static Command Build(Argument<string> vmArg)
    {
        var checkpoint = new Command("checkpoint", "A VM's checkpoints: production (disks, file systems frozen) or standard (disks, memory, devices)");
        var id = new Argument<string>("checkpoint") { Description = "The checkpoint's id, or its name" };

        var list = new Command("list", "The checkpoints as a tree, with Now under the checkpoint the VM's state comes from") { vmArg };
        list.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.ListCheckpointsAsync(p.GetValue(vmArg)!, ct), ContractsJson.Default.CheckpointTree, CheckpointTable.Tree));
        checkpoint.Subcommands.Add(list);

        var name = new Option<string?>("--name") { Description = "The checkpoint's name (default: the VM's name and the time)" };
        var kind = new Option<string?>("--kind") { Description = "production (the default) or standard" };
        var fallback = new Option<string?>("--fallback")
        {
            Description = "standard: take a standard checkpoint when the guest cannot freeze for a production one (default: none, fail)",
        };
        var take = new Command("new", "Take a checkpoint, off or running") { vmArg, name, kind, fallback };
        take.SetHandler((p, client, ct) => FollowAsync(p, client, wait => client.StartCheckpointAsync(p.GetValue(vmArg)!,
            new NewCheckpointRequest { Name = p.GetValue(name), Kind = p.GetValue(kind), Fallback = p.GetValue(fallback) }, wait), ct));
        checkpoint.Subcommands.Add(take);

        var apply = new Command("apply", "Go back to a checkpoint (the VM off or saved): its current state is discarded") { vmArg, id };
        apply.SetHandler((p, client, ct) =>
            FollowAsync(p, client, wait => client.StartApplyCheckpointAsync(p.GetValue(vmArg)!, p.GetValue(id)!, wait), ct));
        checkpoint.Subcommands.Add(apply);

        var remove = new Command("remove", "Remove a checkpoint, merging its disks (no data is lost), off or running") { vmArg, id };
        remove.SetHandler((p, client, ct) =>
            FollowAsync(p, client, wait => client.StartRemoveCheckpointAsync(p.GetValue(vmArg)!, p.GetValue(id)!, wait), ct));
        checkpoint.Subcommands.Add(remove);

        var newName = new Argument<string>("name") { Description = "The new name" };
        var rename = new Command("rename", "Rename a checkpoint") { vmArg, id, newName };
        rename.SetHandler(async (p, client, ct) =>
        {
            var renamed = await client.RenameCheckpointAsync(p.GetValue(vmArg)!, p.GetValue(id)!, p.GetValue(newName)!, ct);
            Printer.Say(p, renamed, ContractsJson.Default.CheckpointInfo, c => $"Checkpoint {c.Id} is now named '{c.Name}'.");
        });
        checkpoint.Subcommands.Add(rename);
        return checkpoint;
    }

    private static async Task FollowAsync(ParseResult p, NubeApiClient client, Func<double, Task<Contracts.Jobs.JobInfo>> start, CancellationToken ct)
    {
        var follower = new JobFollower(client);
        var ended = await follower.FollowAsync(await follower.StartAsync(start), ct);
        JobOutcome.Report(p, ended, j => JobText.Completed(j));
    }
}
