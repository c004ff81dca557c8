namespace Nube.Service.Jobs;

/// <summary>
/// Who asks for the jobs made on the current flow of work: the request being handled (the audit
/// trail enters one for each request) or the host service itself. It flows with the async
/// context, as the request's own values do, so that the VM controllers need no caller parameter.
/// A request's origin closes when the request ends: work the request left running (a controller's
/// loop, a timer) then makes its jobs as <see cref="Host"/>, never as a request that is over.
/// </summary>
public sealed class JobOrigin
{
    /// <summary>What the host service's own jobs (automatic start, restart after a crash) say asked for them.</summary>
    public const string HostName = "nubed";

    /// <summary>The host service's own actions.</summary>
    public static readonly JobOrigin Host = new(() => HostName);

    private static readonly AsyncLocal<JobOrigin?> CurrentOrigin = new();
    private readonly Func<string> who;
    private readonly Lock gate = new();
    private bool closed;
    private Guid? firstJob;

    /// <param name="who">Asked when a job is made (the caller may be known only by then).</param>
    public JobOrigin(Func<string> who) => this.who = who;

    /// <summary>The first job made under this origin, if any: the one a request started.</summary>
    public Guid? FirstJob
    {
        get
        {
            lock (gate)
                return firstJob;
        }
    }

    /// <summary>Makes <paramref name="origin"/> the current one until the returned scope is disposed (in the same async method).</summary>
    public static Scope Enter(JobOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var outer = CurrentOrigin.Value;
        CurrentOrigin.Value = origin;
        return new Scope(origin, outer);
    }

    /// <summary>Who asks for a job made now, noting the job on the current origin; <see cref="HostName"/> outside any open one.</summary>
    public static string Claim(Guid job)
    {
        if (CurrentOrigin.Value is not { } origin)
            return HostName;
        lock (origin.gate)
        {
            if (origin.closed)
                return HostName;
            origin.firstJob ??= job;
        }
        return origin.who();
    }

    /// <summary>Ends an origin's turn: restores the outer one and, for a request's, closes it for work left behind.</summary>
    public sealed class Scope(JobOrigin origin, JobOrigin? outer) : IDisposable
    {
        public void Dispose()
        {
            if (origin != Host)
            {
                lock (origin.gate)
                    origin.closed = true;
            }
            CurrentOrigin.Value = outer;
        }
    }
}
