using System.CommandLine;
using Nube.Cli.Commands;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Client;
using Nube.Contracts.Jobs;

namespace Nube.Cli.Jobs;

/// <summary>What a command prints for a job that has ended, and how it exits.</summary>
public static class JobOutcome
{
    /// <summary>
    /// A completed job prints its sentence (the job with --json). A failed job exits as its
    /// problem's status says; a cancelled one exits 1. With --json, both print their problem
    /// document with the job in it.
    /// </summary>
    public static void Report(ParseResult p, JobInfo job, Func<JobInfo, string> sentence)
    {
        if (job.State == JobStates.Completed)
        {
            Printer.Say(p, job, ContractsJson.Default.JobInfo, sentence);
            return;
        }
        if (job.State == JobStates.Cancelled)
            throw new CliException(ExitCodes.Failed, JobText.Cancelled(job)) { Problem = job.Problem, Job = job };
        var problem = job.Problem ?? new ApiProblem
        {
            Title = $"The {job.Kind} of VM '{job.VmName}' failed (job {job.Id}); the host service gave no reason.",
            JobId = job.Id,
        };
        var failed = new NubeApiException(problem.Status ?? 500, problem);
        throw new CliException(ExitCodes.ForStatus(failed.Status), failed.Message) { Problem = problem, Job = job };
    }
}
