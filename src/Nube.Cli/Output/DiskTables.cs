using System.Globalization;
using Nube.Contracts.Disks;
using Nube.Contracts.Vms;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Output;

/// <summary>The tables of <c>disk list</c>, <c>disk show</c>, <c>disk check</c> and <c>iso list</c>.</summary>
public static class DiskTables
{
    public static IRenderable List(DiskList list)
    {
        var t = new Table().Border(TableBorder.Rounded)
            .AddColumn("Disk file").AddColumn("Format").AddColumn(new TableColumn("Virtual size").RightAligned())
            .AddColumn(new TableColumn("File size").RightAligned()).AddColumn("Parent").AddColumn("Used by");
        foreach (var d in list.Disks)
            t.AddRow(Markup.Escape(d.Path), d.Format, MeterTables.Bytes(d.VirtualSize), MeterTables.Bytes(d.FileSize),
                Markup.Escape(d.Parents.Count > 0 ? d.Parents[0].Path : "-"),
                Markup.Escape(d.UsedBy.Count == 0 ? "-" : string.Join(", ", d.UsedBy.Select(u => u.VmName).Distinct())));
        foreach (var u in list.Unreadable)
            t.AddRow(Markup.Escape(u.Path), "?", "", "", "", Markup.Escape($"unreadable: {u.Problem}"));
        if (list.Truncated)
            t.Caption("The host stopped at its limit of files: more disks may lie under the storage roots.");
        return t;
    }

    public static IRenderable Isos(IReadOnlyList<IsoInfo> isos)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("ISO image").AddColumn(new TableColumn("Size").RightAligned())
            .AddColumn(new TableColumn("Modified (UTC)").NoWrap()).AddColumn("Path");
        foreach (var i in isos)
            t.AddRow(Markup.Escape(i.Name), MeterTables.Bytes(i.Size),
                i.Modified.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Markup.Escape(i.Path));
        return t;
    }

    public static IRenderable Details(DiskInfo disk)
    {
        var rows = new List<(string, string?)>
        {
            ("Path", disk.Path),
            ("Format", disk.Format),
            ("Virtual size", $"{MeterTables.Bytes(disk.VirtualSize)} ({disk.VirtualSize.ToString(CultureInfo.InvariantCulture)} bytes)"),
            ("File size", MeterTables.Bytes(disk.FileSize)),
            ("Dirty", disk.Dirty ? "yes: not closed cleanly" : "no"),
            ("Corrupt", disk.Corrupt switch { true => "yes: QEMU marked it corrupt; 'nube disk check' it", false => "no", null => "-" }),
        };
        for (var i = 0; i < disk.Parents.Count; i++)
            rows.Add((i == 0 ? "Parent" : $"Parent {i + 1}", $"{disk.Parents[i].Path} ({disk.Parents[i].Format}, {MeterTables.Bytes(disk.Parents[i].FileSize)})"));
        rows.Add(("Used by", disk.UsedBy.Count == 0 ? "no VM" : string.Join("; ", disk.UsedBy.Select(u =>
            $"{u.VmName} ({u.State}) {u.Field}" + (u.Through is null ? "" : $" through {u.Through}")))));
        return Printer.KeyValues([.. rows]);
    }

    public static IRenderable Check(DiskCheck check) => Printer.KeyValues(
        ("Path", check.Path),
        ("Format", check.Format),
        ("Corruptions", check.Corruptions.ToString(CultureInfo.InvariantCulture)),
        ("Leaks", check.Leaks.ToString(CultureInfo.InvariantCulture)),
        ("Check errors", check.CheckErrors.ToString(CultureInfo.InvariantCulture)),
        ("Repaired", check.Repaired.ToString(CultureInfo.InvariantCulture)),
        ("Result", check.Clean ? "clean" : check.Fixable ? "not clean; --repair may mend it (check again after)" : "not clean"));

    /// <summary><c>vm remove --delete-disks</c>: the VM removed, and what became of each of its disk files.</summary>
    public static IRenderable Removed(VmDetails vm)
    {
        var t = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"Removed VM '{vm.Summary.Name}' ({vm.Summary.Id})"))
            .AddColumn("Disk file").AddColumn("Outcome");
        foreach (var disk in vm.DiskFiles ?? [])
            t.AddRow(Markup.Escape(disk.Path), Markup.Escape(disk.Deleted ? "deleted" : $"kept: {disk.KeptBecause}"));
        return t;
    }
}
