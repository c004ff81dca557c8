using System.CommandLine;
using Nube.Cli.Jobs;
using Nube.Cli.Output;

namespace Nube.Cli.Commands;

/// <summary>
/// <c>nube vm freeze|thaw</c>: the backup integration service's freeze of the guest's file
/// systems, for operators. Each is a job; the freeze holds until a thaw or its timeout.
/// </summary>
public static class FreezeCommands
{
    public static IEnumerable<Command> Build(Argument<string> vmArg)
    {
        var timeout = new Option<int?>("--timeout")
        {
            Description = "Seconds after which the host thaws the file systems whatever happens (default 60, at most 600)",
        };
        var freeze = new Command("freeze", "Freeze the guest's file systems (flushed, writes held) until 'vm thaw' or the timeout") { vmArg, timeout };
        freeze.SetHandler((p, client, ct) =>
            FollowAsync(p, client, wait => client.StartFreezeAsync(p.GetValue(vmArg)!, p.GetValue(timeout), wait, CancellationToken.None), ct));
        yield return freeze;

        var thaw = new Command("thaw", "Thaw the guest's file systems") { vmArg };
        thaw.SetHandler((p, client, ct) =>
            FollowAsync(p, client, wait => client.StartJobAsync(p.GetValue(vmArg)!, "thaw", wait, null, CancellationToken.None), ct));
        yield return thaw;
    }

    private static async Task FollowAsync(ParseResult p, Contracts.Client.NubeApiClient client,
        Func<double, Task<Contracts.Jobs.JobInfo>> start, CancellationToken ct)
    {
        var follower = new JobFollower(client);
        var ended = await follower.FollowAsync(await follower.StartAsync(start), ct);
        JobOutcome.Report(p, ended, j => JobText.Completed(j));
    }
}
