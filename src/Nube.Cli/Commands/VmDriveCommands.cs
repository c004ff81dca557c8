using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Vms;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Commands;

/// <summary>
/// <c>nube vm disk list|add|remove</c> and <c>nube vm dvd insert|eject</c>: a VM's drives, also
/// while it runs (SCSI drives by hot plug, a DVD's disc at any time).
/// </summary>
public static class VmDriveCommands
{
    private static readonly Argument<string> DriveArg = new("drive") { Description = "The drive's id (disk3) or place (scsi0:3)" };

    public static IEnumerable<Command> Build(Argument<string> vmArg)
    {
        var disk = new Command("disk", "A VM's drives: list them, add a disk or DVD drive, remove one (its file stays)");
        disk.Subcommands.Add(List(vmArg));
        disk.Subcommands.Add(Add(vmArg));
        disk.Subcommands.Add(Remove(vmArg));
        var dvd = new Command("dvd", "Insert a disc (an ISO image) into a VM's DVD drive, or eject it");
        dvd.Subcommands.Add(Insert(vmArg));
        dvd.Subcommands.Add(Eject(vmArg));
        return [disk, dvd];
    }

    private static Command List(Argument<string> vmArg)
    {
        var c = new Command("list", "List a VM's drives with their ids, places and boot order") { vmArg };
        c.SetHandler(async (p, client, ct) => Show(p, await client.Disks.ListDrivesAsync(p.GetValue(vmArg)!, ct)));
        return c;
    }

    private static Command Add(Argument<string> vmArg)
    {
        var path = new Argument<string?>("path") { Description = "The disk image (or ISO for --dvd); none for an empty DVD drive", Arity = ArgumentArity.ZeroOrOne };
        var at = new Option<string?>("--at") { Description = "Where: scsi0:3, ide1:0 (default: the first free place of SCSI controller 0)" };
        var dvd = new Option<bool>("--dvd") { Description = "A DVD drive (read-only media) rather than a hard disk" };
        var readOnly = new Option<bool>("--read-only") { Description = "The guest may read the disk but not write it (SCSI)" };
        var cache = new Option<string?>("--cache") { Description = "writeback (host page cache, the default) or direct (O_DIRECT)" };
        var c = new Command("add", "Add a disk or DVD drive; a SCSI one also while the VM runs (hot add)") { vmArg, path, at, dvd, readOnly, cache };
        c.SetHandler(async (p, client, ct) =>
        {
            var drives = await client.Disks.AddDriveAsync(p.GetValue(vmArg)!, new AddDriveRequest
            {
                At = p.GetValue(at), Media = p.GetValue(dvd) ? "dvd" : "hardDisk", Path = VmSettingOptions.Full(p.GetValue(path)),
                ReadOnly = p.GetValue(readOnly), Cache = p.GetValue(cache),
            }, ct);
            Show(p, drives);
        });
        return c;
    }

    private static Command Remove(Argument<string> vmArg)
    {
        var c = new Command("remove", "Remove a drive (by id or place); its file stays. A SCSI one also while the VM runs (hot remove)") { vmArg, DriveArg };
        c.SetHandler(async (p, client, ct) => Show(p, await client.Disks.RemoveDriveAsync(p.GetValue(vmArg)!, p.GetValue(DriveArg)!, ct)));
        return c;
    }

    private static Option<string?> DriveOption() => new("--drive") { Description = "The DVD drive's id or place, when the VM has more than one" };

    private static Command Insert(Argument<string> vmArg)
    {
        var iso = new Argument<string>("iso") { Description = "The ISO image" };
        var drive = DriveOption();
        var c = new Command("insert", "Insert a disc into the VM's DVD drive, also while it runs") { vmArg, iso, drive };
        c.SetHandler(async (p, client, ct) => Show(p, await client.Disks.SetMediumAsync(p.GetValue(vmArg)!,
            new DriveMediumRequest { Drive = p.GetValue(drive), Path = VmSettingOptions.Full(p.GetValue(iso)) }, ct)));
        return c;
    }

    private static Command Eject(Argument<string> vmArg)
    {
        var drive = DriveOption();
        var c = new Command("eject", "Eject the disc from the VM's DVD drive, also while it runs") { vmArg, drive };
        c.SetHandler(async (p, client, ct) => Show(p, await client.Disks.SetMediumAsync(p.GetValue(vmArg)!,
            new DriveMediumRequest { Drive = p.GetValue(drive) }, ct)));
        return c;
    }

    private static void Show(ParseResult p, IReadOnlyList<VmDriveInfo> drives) =>
        Printer.Print(p, drives, ContractsJson.Default.IReadOnlyListVmDriveInfo, Table);

    private static IRenderable Table(IReadOnlyList<VmDriveInfo> drives)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("Id").AddColumn("At").AddColumn("Media").AddColumn("Path").AddColumn("Boot");
        foreach (var d in drives)
            t.AddRow(new Text(d.Id), new Text(d.At), new Text(d.Media == "dvd" ? "DVD" : "hard disk"),
                new Text((d.Path ?? "(empty)") + (d.ReadOnly ? ", read-only" : "")), new Text(d.BootIndex is { } i ? $"{i + 1}" : ""));
        return t;
    }
}
