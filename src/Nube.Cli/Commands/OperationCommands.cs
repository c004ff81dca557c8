using System.CommandLine;
using Nube.Cli.Jobs;
using Nube.Cli.Output;
using Nube.Contracts;

namespace Nube.Cli.Commands;

/// <summary>
/// <c>vm start|stop|turn-off|pause|resume|save</c>: each runs as a job on the host. The command
/// waits for it with progress by default; <c>--no-wait</c> prints the job's id and returns.
/// </summary>
public static class OperationCommands
{
    public static IEnumerable<Command> Build(Argument<string> vmArg)
    {
        var waitAgent = new Option<int>("--wait-agent")
        {
            Description = "Then wait up to this many seconds for the guest agent to answer; fail if it does not",
        };
        yield return Operation("start", "Start a VM, or restore it when it is saved", vmArg, waitAgent);
        yield return Operation("stop", "Shut the guest down (through its agent, else the ACPI power button), turning it off after the host's stop timeout", vmArg);
        yield return Operation("turn-off", "Turn the VM off at once, as pulling the power", vmArg);
        yield return Operation("pause", "Pause the VM's processors", vmArg);
        yield return Operation("resume", "Resume a paused VM", vmArg);
        yield return Operation("save", "Save the VM's memory and devices to its folder and stop it; start resumes it", vmArg);
    }

    public static Option<bool> NoWait(string description = "Do not wait for the job: print its id ('nube job wait ID' follows it)") =>
        new("--no-wait") { Description = description };

    private static Command Operation(string name, string description, Argument<string> vmArg, Option<int>? waitAgent = null)
    {
        var noWait = NoWait();
        var c = new Command(name, description) { vmArg, noWait };
        if (waitAgent is not null)
            c.Options.Add(waitAgent);
        c.SetHandler(async (p, client, ct) =>
        {
            var vm = p.GetValue(vmArg)!;
            int? agentWait = waitAgent is not null && p.GetValue(waitAgent) is > 0 and var seconds ? seconds : null;
            if (p.GetValue(noWait))
            {
                var queued = await client.StartJobAsync(vm, name, 0, agentWait, ct);
                Printer.Say(p, queued, ContractsJson.Default.JobInfo, j => j.Id.ToString());
                return;
            }
            var follower = new JobFollower(client);
            var ended = await follower.FollowAsync(await follower.StartAsync(vm, name, agentWait), ct);
            JobOutcome.Report(p, ended, j => JobText.Completed(j, agentAnswered: agentWait is not null));
        });
        return c;
    }
}
