using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Nube.Cli.Commands;
using Spectre.Console;

namespace Nube.Cli.Output;

/// <summary>Prints a result for people (a table or one line), or as JSON with --json for scripts.</summary>
public static class Printer
{
    public static bool Json(ParseResult p) => p.GetValue(GlobalOptions.Json);

    public static void Print<T>(ParseResult p, T value, JsonTypeInfo<T> type, Func<T, Spectre.Console.Rendering.IRenderable> table)
    {
        if (Json(p))
            Console.Out.WriteLine(JsonSerializer.Serialize(value, type));
        else
            AnsiConsole.Write(table(value));
    }

    /// <summary>What a command did, in one sentence; the whole object with --json.</summary>
    public static void Say<T>(ParseResult p, T value, JsonTypeInfo<T> type, Func<T, string> sentence) =>
        Console.Out.WriteLine(Json(p) ? JsonSerializer.Serialize(value, type) : sentence(value));

    public static Table KeyValues(params (string Key, string? Value)[] rows)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumn("Property").AddColumn("Value");
        foreach (var (key, value) in rows)
            t.AddRow(Markup.Escape(key), Markup.Escape(value ?? "-"));
        return t;
    }
}
