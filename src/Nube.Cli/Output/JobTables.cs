using Nube.Contracts.Jobs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Output;

/// <summary>The tables of <c>job list</c> and <c>job show</c>.</summary>
public static class JobTables
{
    public static IRenderable List(IReadOnlyList<JobInfo> jobs)
    {
        var now = DateTimeOffset.UtcNow;
        var t = new Table().Border(TableBorder.Rounded)
            // The id is what 'job show|wait|cancel' take: never broken across lines.
            .AddColumn(new TableColumn("Id").NoWrap()).AddColumn("Kind").AddColumn("VM").AddColumn("By").AddColumn("State").AddColumn("Progress")
            .AddColumn(new TableColumn("Started").NoWrap()).AddColumn(new TableColumn("Took").RightAligned().NoWrap());
        foreach (var job in jobs)
        {
            // A finished job's progress is its outcome, which the state column already says.
            var progress = JobStates.IsEnded(job.State) ? job.Problem is null ? "" : Problem(job) : JobText.Progress(job);
            t.AddRow(new Text(job.Id.ToString()), new Text(job.Kind), new Text(job.VmName), new Text(job.RequestedBy ?? "-"), new Markup(State(job.State)),
                new Text(progress), new Text(JobText.When(job.StartedAt)), new Text(Took(job, now)));
        }
        return t;
    }

    public static IRenderable Details(JobInfo job) => Printer.KeyValues(
        ("Id", job.Id.ToString()),
        ("Kind", job.Kind),
        ("VM", $"{job.VmName} ({job.VmId})"),
        ("Requested by", job.RequestedBy),
        ("State", job.CancelRequested && !JobStates.IsEnded(job.State) ? $"{job.State} (cancel requested)" : job.State),
        ("Progress", job.Percent is { } p ? $"{p}%" : null),
        ("Phase", job.Phase),
        ("Created", JobText.When(job.CreatedAt)),
        ("Started", JobText.When(job.StartedAt)),
        ("Ended", JobText.When(job.EndedAt)),
        ("Took", Took(job, DateTimeOffset.UtcNow)),
        ("Cancel requested", job.CancelRequested ? "yes" : "no"),
        ("Problem", job.Problem is null ? null : Problem(job)),
        ("VM afterwards", job.Vm is { } vm ? $"{vm.Name} is {vm.State}" : null));

    private static string Took(JobInfo job, DateTimeOffset now) => JobText.Took(job, now) switch
    {
        null => "-",
        var t when job.EndedAt is null => $"{JobText.Duration(t.Value)} so far",
        var t => JobText.Duration(t.Value),
    };

    private static string Problem(JobInfo job)
    {
        var text = JobText.Problem(job.Problem!);
        return job.Problem!.Status is { } status ? $"{text} ({status})" : text;
    }

    private static string State(string state) => state switch
    {
        JobStates.Completed => "[green]completed[/]",
        JobStates.Failed => "[red]failed[/]",
        JobStates.Cancelled => "[yellow]cancelled[/]",
        JobStates.Running => "[blue]running[/]",
        _ => Markup.Escape(state),
    };
}
