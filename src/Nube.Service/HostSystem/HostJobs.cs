using Nube.Contracts;
using Nube.Service.Jobs;

namespace Nube.Service.HostSystem;

/// <summary>
/// Jobs of the host rather than of one VM (installing updates): they sit in the same job book, with
/// progress and events, under the empty VM id and the name "host".
/// </summary>
public sealed class HostJobs(JobBook book, Func<Exception, ApiProblem> describe, ILogger<HostJobs> logger)
{
    public const string Name = "host";

    /// <summary>Starts <paramref name="body"/> as a job and returns at once; the body's answer is the job's result line.</summary>
    /// <param name="cancelled">What a cancel leaves behind, when it is not "nothing was changed".</param>
    public Job Start(string kind, string phase, Func<Job, CancellationToken, Task<string>> body, string? cancelled = null)
    {
        var job = book.Create(Guid.Empty, Name, kind);
        _ = Task.Run(async () =>
        {
            job.MarkRunning(phase);
            try
            {
                job.Complete(null, await body(job, job.Cancellation.Token).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (job.Cancellation.IsCancellationRequested)
            {
                job.Cancel(new ApiProblem { Status = 409, Title = "The job was cancelled", Detail = $"The host's {kind} job was cancelled; {cancelled ?? "nothing was changed"}." }, null);
            }
            catch (Exception e)
            {
                logger.LogError(e, "The host's {Kind} job failed", kind);
                job.Fail(describe(e), null);
            }
        });
        return job;
    }
}
