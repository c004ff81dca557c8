using System.Text;
using Nube.Qemu.Protocol;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// Runs a program in the guest through the agent (guest-exec) and waits for it, asking
/// guest-exec-status in short separate requests so that the heartbeat's requests come between.
/// What a program prints must be bounded in the guest (the scripts end in <c>head -c</c>): the
/// agent keeps up to 16 MiB, and a reply over the client's 1 MiB limit would break the channel.
/// </summary>
public static class GuestExec
{
    /// <summary>How long one request may wait for the agent's channel.</summary>
    public static readonly TimeSpan AgentWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(200);

    public sealed record Result(int ExitCode, byte[] Output, byte[] Error)
    {
        /// <summary>The program's error output, safe to show.</summary>
        public string ErrorText => GuestText.Sanitize(Encoding.UTF8.GetString(Error).Trim());
    }

    /// <summary>
    /// Runs <c>sh -c SCRIPT NAME ARGS...</c>: the arguments reach the script as $1... untouched by
    /// any parsing, and <paramref name="name"/> ($0) names the script in the guest's process list.
    /// </summary>
    public static Task<Result> ShellAsync(QemuSession run, string script, string name, IReadOnlyList<string> arguments,
        TimeSpan timeout, CancellationToken ct) =>
        RunAsync(run, "sh", ["-c", script, name, .. arguments], timeout, ct);

    /// <summary>Runs <paramref name="program"/> to its end; a signal's end counts as exit code 128 + signal, as in a shell.</summary>
    /// <exception cref="GuestOperationFailedException">It did not end within <paramref name="timeout"/>.</exception>
    public static async Task<Result> RunAsync(QemuSession run, string program, IReadOnlyList<string> arguments, TimeSpan timeout,
        CancellationToken ct) =>
        await WaitAsync(run, program, await StartAsync(run, program, arguments, ct).ConfigureAwait(false), timeout, ct).ConfigureAwait(false);

    /// <summary>Starts <paramref name="program"/> and returns its pid in the guest.</summary>
    public static Task<long> StartAsync(QemuSession run, string program, IReadOnlyList<string> arguments, CancellationToken ct) =>
        run.Agent.UseAsync((agent, t) => agent.ExecAsync(program, arguments, t), AgentWait, ct);

    /// <summary>
    /// Waits for a program that <see cref="StartAsync"/> started; apart, so that a caller can tell
    /// an agent that could not start it from one that went quiet while it ran.
    /// </summary>
    /// <exception cref="GuestOperationFailedException">It did not end within <paramref name="timeout"/>.</exception>
    public static async Task<Result> WaitAsync(QemuSession run, string program, long pid, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var pause = FirstPoll;
        while (true)
        {
            var status = await run.Agent.UseAsync((agent, t) => agent.GetExecStatusAsync(pid, t), AgentWait, ct).ConfigureAwait(false);
            if (status.Exited)
                return new Result(status.ExitCode ?? 128 + status.Signal!.Value, status.Output, status.Error);
            if (DateTimeOffset.UtcNow > deadline)
                throw new GuestOperationFailedException($"the guest's '{program}' (pid {pid}) did not end within {timeout.TotalSeconds:0} s");
            await Task.Delay(pause, ct).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPoll.Ticks));
        }
    }
}
