using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Spectre.Console;

namespace Nube.Cli.Commands;

/// <summary><c>nube iso ...</c>: the host's ISO library, the isos folder of each storage root.</summary>
public static class IsoCommands
{
    public static Command Build()
    {
        var iso = new Command("iso", "The ISO library: ISO images for VMs' DVD drives, in the isos folder of each storage root");
        iso.Subcommands.Add(List());
        iso.Subcommands.Add(Upload());
        iso.Subcommands.Add(Remove());
        return iso;
    }

    private static Command List()
    {
        var c = new Command("list", "List the ISO images of the library");
        c.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.Isos.ListAsync(ct), ContractsJson.Default.IReadOnlyListIsoInfo, DiskTables.Isos));
        return c;
    }

    private static Command Upload()
    {
        var file = new Argument<string>("file") { Description = "The ISO image to send" };
        var name = new Option<string?>("--name") { Description = "Its name in the library (default: the file's name); ends in .iso" };
        var replace = new Option<bool>("--replace") { Description = "Replace an image of that name" };
        var c = new Command("upload", "Send an ISO image into the library (the first storage root's isos folder), with progress") { file, name, replace };
        c.SetHandler(async (p, client, ct) =>
        {
            var path = p.GetValue(file)!;
            await using var source = File.OpenRead(path);
            var length = source.Length;
            var named = p.GetValue(name) ?? Path.GetFileName(path);
            Task<Contracts.Disks.IsoInfo> Send(IProgress<long>? sent) => client.Isos.UploadAsync(named, source, length, p.GetValue(replace), sent, ct);
            var uploaded = Terminal.LiveProgress && !Printer.Json(p)
                ? await Terminal.Error.Progress().AutoClear(true)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                        new TransferSpeedColumn(), new RemainingTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask(Markup.Escape($"Uploading {named}"), maxValue: Math.Max(length, 1));
                        return await Send(new Progress<long>(bytes => task.Value = bytes));
                    })
                : await Send(null);
            Printer.Say(p, uploaded, ContractsJson.Default.IsoInfo, i => $"Uploaded '{i.Name}' ({MeterTables.Bytes(i.Size)}) to '{i.Path}'.");
        });
        return c;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("name") { Description = "The image's name in the library" };
        var root = new Option<string?>("--root") { Description = "The storage root whose library holds it, when several do" };
        var c = new Command("remove", "Delete an ISO image from the library; refused while a VM's DVD drive holds it") { name, root };
        c.SetHandler(async (p, client, ct) =>
        {
            var removed = await client.Isos.RemoveAsync(p.GetValue(name)!, p.GetValue(root), ct);
            Printer.Say(p, removed, ContractsJson.Default.IsoInfo, i => $"Deleted '{i.Path}'.");
        });
        return c;
    }
}
