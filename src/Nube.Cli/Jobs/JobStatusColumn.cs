using Nube.Cli.Output;
using Nube.Contracts.Jobs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Jobs;

/// <summary>
/// The live display's text after the bar: the job's phase and percent as last polled, and the
/// time since the job was created, which ticks with every refresh rather than with every poll.
/// </summary>
public sealed class JobStatusColumn(JobInfo job) : ProgressColumn
{
    private volatile JobInfo job = job;

    /// <summary>Set by the poller; read by the display's refresh thread.</summary>
    public JobInfo Job
    {
        get => job;
        set => job = value;
    }

    protected override bool NoWrap => true;

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        var current = job;
        var elapsed = JobText.Duration(DateTimeOffset.UtcNow - current.CreatedAt);
        return new Text($"{JobText.Progress(current)}  {elapsed}");
    }
}
