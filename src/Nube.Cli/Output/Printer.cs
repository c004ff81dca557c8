using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Nube.Cli.Commands;
using Spectre.Console;

namespace Nube.Cli.Output;

/// <summary>Prints a result as a table for people, or as JSON with --json for scripts.</summary>
public static class Printer
{
    public static void Print<T>(ParseResult p, T value, JsonTypeInfo<T> type, Func<T, Spectre.Console.Rendering.IRenderable> table)
    {
        if (p.GetValue(GlobalOptions.Json))
            Console.Out.WriteLine(JsonSerializer.Serialize(value, type));
        else
            AnsiConsole.Write(table(value));
    }

    public static Table KeyValues(params (string Key, string? Value)[] rows)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("Property").AddColumn("Value");
        foreach (var (key, value) in rows)
            t.AddRow(Markup.Escape(key), Markup.Escape(value ?? "-"));
        return t;
    }
}
