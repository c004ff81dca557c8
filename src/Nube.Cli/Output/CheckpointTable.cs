using Nube.Contracts.Vms;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Output;

/// <summary><c>vm checkpoint list</c>: the tree as Hyper-V Manager draws it, one checkpoint a row, "Now" under the current one.</summary>
public static class CheckpointTable
{
    public static IRenderable Tree(CheckpointTree tree)
    {
        var t = new Table().Border(TableBorder.Rounded)
            .AddColumn("Checkpoint").AddColumn("Kind").AddColumn(new TableColumn("Created (UTC)").NoWrap()).AddColumn("Id");
        foreach (var root in tree.Checkpoints)
            Add(t, root, "", "");
        if (tree.NowParentId is null)
            t.AddRow(new Markup("[bold]Now[/]"), new Text(""), new Text(""), new Text(""));
        return t;
    }

    /// <summary>A row, then its children indented below it (the last with └─), then Now when the VM's state comes from it.</summary>
    private static void Add(Table t, CheckpointInfo c, string lead, string indent)
    {
        t.AddRow(new Text(lead + c.Name), new Text(c.Kind), new Text(c.Created.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)),
            new Text(c.Id.ToString()));
        var below = c.Children.Count + (c.Current ? 1 : 0);
        for (var i = 0; i < c.Children.Count; i++)
        {
            var last = i == below - 1;
            Add(t, c.Children[i], indent + (last ? "└─ " : "├─ "), indent + (last ? "   " : "│  "));
        }
        if (c.Current)
            t.AddRow(new Markup($"{Markup.Escape(indent)}└─ [bold]Now[/]"), new Text(""), new Text(""), new Text(""));
    }
}
