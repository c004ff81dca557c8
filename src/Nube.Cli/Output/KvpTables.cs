using Nube.Contracts.Vms;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Output;

public static class KvpTables
{
    /// <summary>Pool, key, value; a refused guest item shows why in place of its value.</summary>
    public static IRenderable List(KvpList list)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("Pool").AddColumn("Key").AddColumn("Value");
        foreach (var item in list.Items)
            t.AddRow(new Text(item.Pool), new Text(item.Key),
                item.Refused is { } why ? new Markup($"[red]refused:[/] {Markup.Escape(why)}") : new Text(item.Value ?? ""));
        return t;
    }
}
