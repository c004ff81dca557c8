using System.ComponentModel;
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
        var jobs = app.MapGroup("/api/v1/jobs").WithTags("Jobs");
        jobs.MapGet("/", ([Description("Only this VM's jobs (a name or an id).")] string? vm, JobBook book, VmRegistry r) =>
            book.List(vm is null ? null : r.Resolve(vm).Id))
            .Describe("ListJobs", "List the jobs", "The recent jobs, newest first, of every VM or of one.").Problems(StatusCodes.Status404NotFound);
        jobs.MapGet("/{id}", async (string id, [Description("Seconds to wait for the job to end (at most 300).")] double? wait,
            JobBook book, CancellationToken ct) =>
        {
            var job = book.Get(id);
            await WaitAsync(job, wait, ct);
            return job.Info;
        }).Describe("GetJob", "Show a job", "A job as it is now, or, with ?wait, as soon as it ends or when the wait is over.")
            .Problems(StatusCodes.Status404NotFound);
        jobs.MapPost("/{id}/cancel", (string id, JobBook book) =>
        {
            var job = book.Get(id);
            if (!job.RequestCancel())
                throw new JobEndedException(job.Id, job.Info.State);
            return TypedResults.Accepted($"/api/v1/jobs/{job.Id}", job.Info);
        }).Describe("CancelJob", "Cancel a job", "Asks a job to stop; it ends as cancelled once it can. An ended job cannot be cancelled.")
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
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
