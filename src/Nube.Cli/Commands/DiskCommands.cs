using System.CommandLine;
using Nube.Cli.Jobs;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Client;
using Nube.Contracts.Disks;
using Nube.Contracts.Jobs;

namespace Nube.Cli.Commands;

/// <summary><c>nube disk ...</c>: the host's disk files (Hyper-V's New-VHD, Get-VHD, Convert-VHD, Resize-VHD, Merge-VHD).</summary>
public static class DiskCommands
{
    private static readonly Argument<string> FileArg = new("file") { Description = "The disk file (under the host's storage roots)" };

    public static Command Build()
    {
        var disk = new Command("disk", "Disk files: VHDX, VHD, qcow2 and raw, blank or differencing");
        disk.Subcommands.Add(List());
        disk.Subcommands.Add(New());
        disk.Subcommands.Add(Show());
        disk.Subcommands.Add(Convert());
        disk.Subcommands.Add(Resize());
        disk.Subcommands.Add(Merge());
        disk.Subcommands.Add(Check());
        disk.Subcommands.Add(Remove());
        return disk;
    }

    private static Command List()
    {
        var c = new Command("list", "List the disk files under the host's storage roots, with sizes, parent and the VMs that use each");
        c.SetHandler(async (p, client, ct) => Printer.Print(p, await client.Disks.ListAsync(ct), ContractsJson.Default.DiskList, DiskTables.List));
        return c;
    }

    private static Command New()
    {
        var size = new Option<string?>("--size") { Description = "Virtual size: 512MiB, 20GiB, 1TiB or bytes (a child takes its parent's)" };
        var format = Format("The format (default: from the file's extension)");
        var isFixed = new Option<bool>("--fixed") { Description = "Allocate every byte now (a fixed VHD or VHDX)" };
        var parent = new Option<string?>("--parent") { Description = "Make a differencing child (qcow2) of this disk" };
        var c = new Command("new", "Make a disk file; never overwrites one") { FileArg, size, format, isFixed, parent };
        c.SetHandler(async (p, client, ct) =>
        {
            var made = await client.Disks.CreateAsync(new NewDiskRequest
            {
                Path = Full(p.GetValue(FileArg)), Size = p.GetValue(size), Format = p.GetValue(format), Fixed = p.GetValue(isFixed),
                Parent = p.GetValue(parent) is { } given ? Full(given) : null,
            }, ct);
            Printer.Say(p, made, ContractsJson.Default.DiskInfo, d =>
                $"Made {d.Format} disk '{d.Path}' of {MeterTables.Bytes(d.VirtualSize)}" + (d.Parents.Count > 0 ? $" on '{d.Parents[0].Path}'." : "."));
        });
        return c;
    }

    private static Command Show()
    {
        var c = new Command("show", "Show a disk file: format, sizes, flags, parents and the VMs that use it") { FileArg };
        c.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.Disks.ShowAsync(Full(p.GetValue(FileArg)), ct), ContractsJson.Default.DiskInfo, DiskTables.Details));
        return c;
    }

    private static Command Convert()
    {
        var destination = new Argument<string>("destination") { Description = "The new file; it must not exist" };
        var format = Format("The new file's format (default: from its extension)");
        var isFixed = new Option<bool>("--fixed") { Description = "Allocate every byte of the copy (a fixed VHD or VHDX)" };
        var rate = Rate();
        var noWait = OperationCommands.NoWait();
        var c = new Command("convert", "Copy a disk into a new file of a format, as a job; a cancel deletes the partial copy")
        {
            FileArg, destination, format, isFixed, rate, noWait,
        };
        c.SetHandler(async (p, client, ct) =>
        {
            var request = new ConvertDiskRequest
            {
                Source = Full(p.GetValue(FileArg)), Destination = Full(p.GetValue(destination)), Format = p.GetValue(format),
                Fixed = p.GetValue(isFixed), Rate = p.GetValue(rate),
            };
            await RunAsync(p, noWait, client, wait => client.Disks.ConvertAsync(request, wait, CancellationToken.None), ct);
        });
        return c;
    }

    private static Command Resize()
    {
        var size = new Option<string>("--size") { Description = "The new virtual size: 512MiB, 20GiB, 1TiB or bytes", Required = true };
        var shrink = new Option<bool>("--allow-shrink") { Description = "Allow a smaller size (the data past it is lost); only when no VM uses the disk" };
        var c = new Command("resize", "Change a qcow2 or raw disk's virtual size: grow it also while its VM runs (the guest sees the new size); shrink it only while no VM uses it") { FileArg, size, shrink };
        c.SetHandler(async (p, client, ct) =>
        {
            var resized = await client.Disks.ResizeAsync(new ResizeDiskRequest
            {
                Path = Full(p.GetValue(FileArg)), Size = p.GetValue(size), AllowShrink = p.GetValue(shrink),
            }, ct);
            Printer.Say(p, resized, ContractsJson.Default.DiskInfo, d => $"Disk '{d.Path}' is now {MeterTables.Bytes(d.VirtualSize)}.");
        });
        return c;
    }

    private static Command Merge()
    {
        var rate = Rate();
        var noWait = OperationCommands.NoWait();
        var c = new Command("merge", "Write a differencing disk's data into its parent, as a job; the child is left empty") { FileArg, rate, noWait };
        c.SetHandler(async (p, client, ct) =>
        {
            var request = new MergeDiskRequest { Path = Full(p.GetValue(FileArg)), Rate = p.GetValue(rate) };
            await RunAsync(p, noWait, client, wait => client.Disks.MergeAsync(request, wait, CancellationToken.None), ct);
        });
        return c;
    }

    private static Command Check()
    {
        var repair = new Option<bool>("--repair") { Description = "Mend leaks and errors too (only when no VM uses the disk)" };
        var c = new Command("check", "Check a qcow2 or VHDX file's consistency: corruptions, leaks, and whether --repair may mend them") { FileArg, repair };
        c.SetHandler(async (p, client, ct) =>
        {
            var check = await client.Disks.CheckAsync(new CheckDiskRequest { Path = Full(p.GetValue(FileArg)), Repair = p.GetValue(repair) }, ct);
            Printer.Print(p, check, ContractsJson.Default.DiskCheck, DiskTables.Check);
        });
        return c;
    }

    private static Command Remove()
    {
        var c = new Command("remove", "Delete a disk file that no VM uses and that is no disk's parent") { FileArg };
        c.SetHandler(async (p, client, ct) =>
        {
            var removed = await client.Disks.RemoveAsync(Full(p.GetValue(FileArg)), ct);
            Printer.Say(p, removed, ContractsJson.Default.DiskInfo, d => $"Deleted disk '{d.Path}'.");
        });
        return c;
    }

    private static async Task RunAsync(ParseResult p, Option<bool> noWait, NubeApiClient client, Func<double, Task<JobInfo>> start, CancellationToken ct)
    {
        if (p.GetValue(noWait))
        {
            var queued = await start(0);
            Printer.Say(p, queued, ContractsJson.Default.JobInfo, j => j.Id.ToString());
            return;
        }
        var follower = new JobFollower(client);
        var ended = await follower.FollowAsync(await follower.StartAsync(start), ct);
        JobOutcome.Report(p, ended, j => j.Result ?? JobText.Completed(j));
    }

    private static Option<string?> Format(string description) =>
        new("--format") { Description = description, HelpName = "vhdx|vhd|qcow2|raw" };

    private static Option<string?> Rate() =>
        new("--rate") { Description = "At most this many bytes per second (20MiB), to leave the disks' bandwidth to running VMs" };

    /// <summary>A relative path is the caller's: the host service sees only absolute ones.</summary>
    private static string Full(string? path) => Path.GetFullPath(path ?? "");
}
