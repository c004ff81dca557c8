using Nube.Contracts.Audit;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Output;

/// <summary>The table of <c>nube audit</c>: one row per record.</summary>
public static class AuditTable
{
    public static IRenderable List(IReadOnlyList<AuditRecord> records)
    {
        var t = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Time").NoWrap()).AddColumn("Who").AddColumn("From").AddColumn("Action")
            .AddColumn("Target").AddColumn("Outcome");
        foreach (var r in records)
            t.AddRow(new Text(JobText.When(r.Time)), new Text(r.Who), new Text(r.From), new Text($"{r.Method} {r.Route}"),
                new Text(r.Vm ?? "-"), new Markup(Outcome(r)));
        return t;
    }

    /// <summary>"200", "202 job 1f0e...", "401 Unauthorized", coloured by whether it was done.</summary>
    public static string Outcome(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var text = record.JobId is { } job ? $"{record.Status} job {job}"
            : record.Problem is { } problem ? $"{record.Status} {problem}"
            : record.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var colour = record.Status < 400 ? "green" : record.Status is 401 or 403 or 429 ? "yellow" : "red";
        return $"[{colour}]{Markup.Escape(text)}[/]";
    }
}
