using System.Globalization;
using Nube.Contracts.Vms;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Output;

/// <summary>The words and tables of integration services: <c>vm integration list</c>, and their rows in <c>vm show</c>.</summary>
public static class IntegrationTables
{
    public static IRenderable List(IReadOnlyList<IntegrationServiceInfo> services)
    {
        var t = new Table().Border(TableBorder.Rounded)
            .AddColumn("Service").AddColumn("Enabled").AddColumn("Status").AddColumn(new TableColumn("Last good answer").NoWrap()).AddColumn("Error");
        foreach (var s in services)
            t.AddRow(new Text(s.DisplayName), new Text(s.Enabled ? "yes" : "no"), new Markup(Colored(s.Status)),
                new Text(JobText.When(s.LastGoodAnswer)), new Text(s.Error ?? ""));
        return t;
    }

    /// <summary>A status as Hyper-V Manager writes it: "OK", "No contact", "Lost communication", "Disabled".</summary>
    public static string Status(string? word) => word switch
    {
        "ok" => "OK",
        "no-contact" => "No contact",
        "lost-communication" => "Lost communication",
        "disabled" => "Disabled",
        null => "",
        _ => word,
    };

    /// <summary>"0.8 ms behind", "2.3 s ahead": how far the guest's clock was from the host's.</summary>
    public static string Drift(double milliseconds)
    {
        var size = Math.Abs(milliseconds);
        var amount = size >= 1000
            ? string.Create(CultureInfo.InvariantCulture, $"{size / 1000:0.0##} s")
            : string.Create(CultureInfo.InvariantCulture, $"{size:0.###} ms");
        return $"{amount} {(milliseconds >= 0 ? "ahead" : "behind")}";
    }

    /// <summary>One line per service for <c>vm show</c>: "OK (last answer 14:03:01)", "Lost communication: why".</summary>
    public static string Line(IntegrationServiceInfo s) => s.Status switch
    {
        "ok" => $"OK (last answer {JobText.When(s.LastGoodAnswer)})",
        "disabled" => "Disabled",
        _ => $"{Status(s.Status)}{(s.LastGoodAnswer is { } at ? $" since {JobText.When(at)}" : "")}{(s.Error is { } e ? $": {e}" : "")}",
    };

    private static string Colored(string word) => word switch
    {
        "ok" => "[green]OK[/]",
        "lost-communication" => "[red]Lost communication[/]",
        "no-contact" => "[yellow]No contact[/]",
        _ => Markup.Escape(Status(word)),
    };
}
