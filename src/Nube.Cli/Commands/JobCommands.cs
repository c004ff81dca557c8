using System.CommandLine;
using System.Text.Json;
using Nube.Cli.Jobs;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Jobs;

namespace Nube.Cli.Commands;

/// <summary><c>nube job ...</c>: the host's jobs (VM operations that outlive the command that started them).</summary>
public static class JobCommands
{
    private static readonly Argument<string> IdArg = new("id") { Description = "The job's id, as 'nube job list' shows it" };

    public static Command Build()
    {
        var job = new Command("job", "Jobs: VM operations under way on the host, and the recent ones");
        job.Subcommands.Add(List());
        job.Subcommands.Add(Show());
        job.Subcommands.Add(Cancel());
        job.Subcommands.Add(Wait());
        return job;
    }

    private static Command List()
    {
        var vm = new Option<string?>("--vm") { Description = "Only this VM's jobs (name or id)" };
        var c = new Command("list", "List the jobs under way and the recent ones, newest first") { vm };
        c.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.ListJobsAsync(p.GetValue(vm), ct), ContractsJson.Default.IReadOnlyListJobInfo, JobTables.List));
        return c;
    }

    private static Command Show()
    {
        var c = new Command("show", "Show a job's state, progress and outcome") { IdArg };
        c.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.GetJobAsync(Id(p), 0, ct), ContractsJson.Default.JobInfo, JobTables.Details));
        return c;
    }

    private static Command Wait()
    {
        var c = new Command("wait", "Wait for a job to end, showing its progress; exits as the job ended") { IdArg };
        c.SetHandler(async (p, client, ct) =>
        {
            var job = await client.GetJobAsync(Id(p), 0, ct);
            var ended = await new JobFollower(client).FollowAsync(job, ct);
            JobOutcome.Report(p, ended, j => JobText.Completed(j));
        });
        return c;
    }

    private static Command Cancel()
    {
        var noWait = OperationCommands.NoWait("Return once the cancel is asked, without waiting for the job to end");
        var c = new Command("cancel", "Cancel a job; it ends once its VM is in the safe state the job's kind documents") { IdArg, noWait };
        c.SetHandler(async (p, client, ct) =>
        {
            var asked = await client.CancelJobAsync(Id(p), ct);
            if (p.GetValue(noWait))
            {
                Printer.Say(p, asked, ContractsJson.Default.JobInfo,
                    j => $"Asked job {j.Id} ({JobText.Title(j)}) to cancel; 'nube job wait {j.Id}' follows it.");
                return;
            }
            var ended = await new JobFollower(client).FollowAsync(asked, ct);
            if (ended.State == JobStates.Cancelled)
            {
                Printer.Say(p, ended, ContractsJson.Default.JobInfo, j => $"Cancelled job {j.Id} ({JobText.Title(j)})" +
                    (j.Vm is { } v ? $"; VM '{v.Name}' is {v.State}." : "."));
                return;
            }
            // It ended on its own before it reached a point where it could stop.
            if (Printer.Json(p))
                Console.Out.WriteLine(JsonSerializer.Serialize(ended, ContractsJson.Default.JobInfo));
            var how = ended.Problem is { } problem ? $"failed ({JobText.Problem(problem)})" : ended.State;
            var left = ended.Vm is { } vm ? $"; VM '{vm.Name}' is {vm.State}" : "";
            throw new CliException(ExitCodes.Conflict, $"Job {ended.Id} ({JobText.Title(ended)}) {how} before the cancel took effect{left}.");
        });
        return c;
    }

    private static Guid Id(ParseResult p)
    {
        var text = p.GetValue(IdArg)!;
        return Guid.TryParse(text, out var id)
            ? id
            : throw new CliException(ExitCodes.Usage, $"'{text}' is not a job id; 'nube job list' shows them.");
    }
}
