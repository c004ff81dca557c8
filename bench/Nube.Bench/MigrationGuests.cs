using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Nube.Contracts.Client;
using Nube.Contracts.Jobs;
using Nube.Contracts.Vms;

namespace Nube.Bench;

/// <summary>The guests figure 10 moves: Nube's through the API, the plain twin by hand.</summary>
public sealed partial class MigrationFigure
{
    /// <summary>A guest the figure moves, whichever drives it.</summary>
    private interface IGuest
    {
        string Where { get; }
        /// <summary>The dirtied area's checksum, once set up.</summary>
        string? Expected { get; set; }
        /// <summary>Set once the guest failed a check: its later moves are not tried.</summary>
        string? Broken { get; set; }
        /// <param name="tls">By hand only: Nube's stream is always TLS.</param>
        Task<MoveOutcome> MoveAsync(bool live, bool tls, long bandwidth, CancellationToken ct);
        Task<string> RunAsync(string command, CancellationToken ct);
        Task PingAgentAsync(CancellationToken ct);
    }

    private sealed class PlainGuest(PlainMigration plain) : IGuest
    {
        public string Where => plain.Where;
        public string? Expected { get; set; }
        public string? Broken { get; set; }
        public Task<MoveOutcome> MoveAsync(bool live, bool tls, long bandwidth, CancellationToken ct) => plain.MoveAsync(live, tls, bandwidth, MoveLimit, ct);
        public Task<string> RunAsync(string command, CancellationToken ct) => plain.RunAsync(command, GuestTimeout, ct);
        public Task PingAgentAsync(CancellationToken ct) => plain.PingAgentAsync(ct);
    }

    /// <summary>The VM under Nube, on host a or b, moved through the API as a user would.</summary>
    private sealed partial class NubeGuest(NubedPair pair, string vm) : IGuest
    {
        private int at;

        public Nubed Host => pair.Hosts[at];
        public string Where => NubedPair.PeerName(at);
        public string? Expected { get; set; }
        public string? Broken { get; set; }

        /// <summary>
        /// <c>POST /vms/{vm}/move</c> to the other host, then the job long-polled until it ends;
        /// cancelled when it has not completed within <see cref="MoveLimit"/>. The job's result gives
        /// QEMU's downtime and what was sent; both nubeds' logs give the QMP events' timestamps.
        /// </summary>
        public async Task<MoveOutcome> MoveAsync(bool live, bool tls, long bandwidth, CancellationToken ct)
        {
            var (from, to) = (pair.Hosts[at], pair.Hosts[1 - at]);
            var marks = (from.LogCount, to.LogCount);
            var clock = Stopwatch.StartNew();
            JobInfo job;
            try
            {
                job = await from.Client.Migrations.MoveAsync(vm, new MoveRequest { To = NubedPair.PeerName(1 - at), Live = live }, 30, ct);
            }
            catch (NubeApiException e)
            {
                // A move that fails within the request's wait comes back as the error: the guest stays where it was.
                return new MoveOutcome(clock.Elapsed.TotalMilliseconds, null, null, null, null, null, null, null, MoveFault.Failed, e.Message);
            }
            var cancelled = false;
            while (!JobStates.IsEnded(job.State))
            {
                if (clock.Elapsed > MoveLimit && !cancelled)
                {
                    await from.Client.CancelJobAsync(job.Id, ct);
                    cancelled = true;
                }
                if (clock.Elapsed > MoveLimit + GuestVms.OperationTimeout)
                    throw new TimeoutException($"the move of '{vm}' did not end {GuestVms.OperationTimeout.TotalSeconds:0} s after it was cancelled");
                job = await from.Client.GetJobAsync(job.Id, 30, ct);
            }
            var wall = clock.Elapsed.TotalMilliseconds;
            if (job.State != JobStates.Completed)
                return new MoveOutcome(wall, null, null, null, null, null, null, null, cancelled ? MoveFault.NotConverged : MoveFault.Failed,
                    cancelled ? $"not completed within {MoveLimit.TotalSeconds:0} s; cancelled" : job.Problem?.Detail ?? job.State);
            at = 1 - at;
            var result = ResultLine().Match(job.Result ?? "");
            double? Number(string group) => result.Groups[group].Success ? double.Parse(result.Groups[group].Value, CultureInfo.InvariantCulture) : null;
            var (sourceLog, destinationLog) = (from.LogSince(marks.Item1), to.LogSince(marks.Item2));
            var stopped = EventTime(sourceLog, "STOP", last: true);
            var resumed = EventTime(destinationLog, "RESUME", last: false);
            return new MoveOutcome(wall, Number("down"), stopped is { } s && resumed is { } r ? (r.At - s.At).TotalMilliseconds : null, null,
                Number("mib"), (long?)Number("passes"), null, resumed is { } rr ? !destinationLog.Take(rr.Line).Any(IsCont) : null, MoveFault.None);
        }

        public Task<string> RunAsync(string command, CancellationToken ct) => GuestConsole.RunAsync(Host.Client, vm, command, GuestTimeout, ct);

        public async Task PingAgentAsync(CancellationToken ct)
        {
            var details = await Host.Client.GetVmAsync(vm, AgentWaitSeconds, ct);
            if (details.GuestAgent is not { Responding: true })
                throw new InvalidOperationException($"its guest agent does not answer at {Where}: {details.GuestAgent?.Error}");
        }

        /// <summary>A QMP event nubed logged (<c>QMP &lt;- {"timestamp": {...}, "event": NAME}</c>): QEMU's own stamp, and the line's index.</summary>
        private static (DateTimeOffset At, int Line)? EventTime(IReadOnlyList<string> lines, string name, bool last)
        {
            var found = lines.Select((text, i) => (text, i))
                .Where(l => l.text.Contains("QMP <- ", StringComparison.Ordinal) && Regex.IsMatch(l.text, $"\"event\":\\s*\"{name}\""))
                .Select(l => (Stamp: Stamp().Match(l.text), l.i)).Where(m => m.Stamp.Success).ToList();
            if (found.Count == 0)
                return null;
            var (stamp, line) = last ? found[^1] : found[0];
            var at = DateTimeOffset.FromUnixTimeSeconds(long.Parse(stamp.Groups[1].Value, CultureInfo.InvariantCulture))
                .AddTicks(long.Parse(stamp.Groups[2].Value, CultureInfo.InvariantCulture) * 10);
            return (at, line);
        }

        private static bool IsCont(string line) => line.Contains("QMP -> ", StringComparison.Ordinal) && line.Contains("\"execute\":\"cont\"", StringComparison.Ordinal);

        [GeneratedRegex(@"""seconds"":\s*(\d+),\s*""microseconds"":\s*(\d+)")]
        private static partial Regex Stamp();

        /// <summary>The job's result: "Moved to b in 1.24 s; the VM was paused 14 ms; 85.3 MiB sent in 3 passes." (a quick move's: "MiB saved").</summary>
        [GeneratedRegex(@"paused (?<down>[0-9]+) ms(; (?<mib>[0-9.]+) MiB (sent|saved)( in (?<passes>[0-9]+) pass)?)?")]
        private static partial Regex ResultLine();
    }
}
