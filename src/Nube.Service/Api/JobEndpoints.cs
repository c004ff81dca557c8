using Nube.Contracts.Jobs;
using Nube.Service.Jobs;
using Nube.Service.Vms;

namespace Nube.Service.Api;

public static class JobEndpoints
{
    /// <summary>The longest a request may wait for a job; clients poll again after it.</summary>
    public const double MaxWaitSeconds = 300;

    public static void MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/v1/jobs");
        jobs.MapGet("/", (string? vm, JobBook book, VmRegistry r) => book.List(vm is null ? null : r.Resolve(vm).Id));
        jobs.MapGet("/{id}", async (string id, double? wait, JobBook book, CancellationToken ct) =>
        {
            var job = book.Get(id);
            await WaitAsync(job, wait, ct);
            return job.Info;
        });
        jobs.MapPost("/{id}/cancel", (string id, JobBook book) =>
        {
            var job = book.Get(id);
            if (!job.RequestCancel())
                throw new JobEndedException(job.Id, job.Info.State);
            return TypedResults.Accepted($"/api/v1/jobs/{job.Id}", job.Info);
        });
    }

    /// <summary>
    /// The answer to a request that started a job: the job once it completed, its problem if it
    /// failed or was cancelled, or 202 with the job while it is still under way. The request
    /// going away ends only the wait, never the job.
    /// </summary>
    public static async Task<IResult> AnswerAsync(Job job, double? wait, HttpContext http, CancellationToken ct)
    {
        await WaitAsync(job, wait, ct);
        var info = job.Info;
        if (!JobStates.IsEnded(info.State))
            return TypedResults.Accepted($"/api/v1/jobs/{info.Id}", info);
        if (info.State == JobStates.Completed)
            return TypedResults.Ok(info);
        await ProblemMapper.WriteAsync(http, info.Problem!, ct);
        return TypedResults.Empty;
    }

    private static async Task WaitAsync(Job job, double? wait, CancellationToken ct)
    {
        if (wait is not (> 0 and var seconds) || job.IsEnded)
            return;
        try
        {
            await job.Ended.WaitAsync(TimeSpan.FromSeconds(Math.Min(seconds, MaxWaitSeconds)), ct);
        }
        catch (TimeoutException)
        {
            // Still under way: the caller gets the job as it is.
        }
    }
}
