using System.Text.Json;
using Nube.Core.Qemu;
using Nube.Qemu.Protocol;

namespace Nube.Service.Vms.Devices;

/// <summary>
/// Follows one QEMU block job (<c>query-jobs</c>) to its end: progress as a percentage, a job that
/// becomes ready completed when the step asks it, an error reported in QEMU's words, the ended
/// job dismissed. Cancelled, the job is cancelled in QEMU and followed to its end first, so that
/// nothing is left running that the caller believes stopped.
/// </summary>
public sealed class BlockJobFollower(QmpClient qmp)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    public async Task FollowAsync(BlockJobStep step, Action<int> percent, CancellationToken ct)
    {
        var cancelled = false;
        var completing = false;
        while (true)
        {
            var job = await FindAsync(step.JobId).ConfigureAwait(false)
                ?? throw new IOException($"QEMU has no job '{step.JobId}'");
            var status = job.GetProperty("status").GetString();
            if (job.TryGetProperty("total-progress", out var total) && total.GetInt64() > 0)
                percent((int)Math.Min(100, job.GetProperty("current-progress").GetInt64() * 100 / total.GetInt64()));
            if (status == "concluded" || status == "null")
            {
                await qmp.ExecuteAsync("job-dismiss", Id(step.JobId), ct: CancellationToken.None).ConfigureAwait(false);
                if (cancelled)
                    throw new OperationCanceledException(ct);
                if (job.TryGetProperty("error", out var error))
                    throw new IOException($"QEMU's job {step.JobId} failed: {error.GetString()}");
                return;
            }
            if (!cancelled && ct.IsCancellationRequested && !completing)
            {
                cancelled = true;
                await qmp.ExecuteAsync("job-cancel", Id(step.JobId), ct: CancellationToken.None).ConfigureAwait(false);
            }
            else if (status == "ready" && step.CompleteWhenReady && !completing && !cancelled)
            {
                completing = true;
                await qmp.ExecuteAsync("job-complete", Id(step.JobId), ct: CancellationToken.None).ConfigureAwait(false);
            }
            await Task.Delay(Poll, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<JsonElement?> FindAsync(string id)
    {
        var jobs = await qmp.ExecuteAsync("query-jobs", ct: CancellationToken.None).ConfigureAwait(false);
        foreach (var job in jobs.EnumerateArray())
            if (job.GetProperty("id").GetString() == id)
                return job;
        return null;
    }

    private static Dictionary<string, string> Id(string id) => new() { ["id"] = id };
}
