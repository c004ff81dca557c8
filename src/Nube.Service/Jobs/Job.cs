using Nube.Contracts;
using Nube.Contracts.Events;
using Nube.Contracts.Jobs;
using Nube.Contracts.Vms;

namespace Nube.Service.Jobs;

/// <summary>
/// One long operation on a VM. Its public face is an immutable <see cref="JobInfo"/>, replaced
/// whole on every change, so readers never see a half-made update. Only the VM's controller
/// moves it forward; anyone may ask it to cancel.
/// </summary>
public sealed class Job
{
    private readonly Lock gate = new();
    private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider clock;
    private JobInfo info;

    public Job(JobInfo info, TimeProvider clock)
    {
        this.info = info;
        this.clock = clock;
        if (JobStates.IsEnded(info.State))
            ended.TrySetResult();
    }

    /// <summary>Called after each change with the event type (job-progress, job-ended ...).</summary>
    internal Action<Job, string>? Changed { get; set; }

    public Guid Id => Info.Id;
    public Guid VmId => Info.VmId;
    public string Kind => Info.Kind;

    public JobInfo Info
    {
        get
        {
            lock (gate)
                return info;
        }
    }

    public bool IsEnded => ended.Task.IsCompleted;

    /// <summary>Completes when the job has ended, however it ended.</summary>
    public Task Ended => ended.Task;

    /// <summary>Cancelled by <see cref="RequestCancel"/>; the operation unwinds to its safe state.</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    public void MarkRunning(string? phase) =>
        Update(i => i with { State = JobStates.Running, StartedAt = clock.GetUtcNow(), Phase = phase }, HostEventTypes.JobProgress);

    /// <summary>The operation's progress: a phase text and, when it can tell, a percentage.</summary>
    public void Report(string phase, int? percent = null)
    {
        var clamped = percent is { } p ? Math.Clamp(p, 0, 100) : (int?)null;
        lock (gate)
        {
            if (info.Phase == phase && info.Percent == clamped)
                return;
        }
        Update(i => i with { Phase = phase, Percent = clamped }, HostEventTypes.JobProgress);
    }

    /// <summary>False when the job has already ended.</summary>
    public bool RequestCancel()
    {
        lock (gate)
        {
            if (JobStates.IsEnded(info.State))
                return false;
            if (info.CancelRequested)
                return true;
        }
        Update(i => i with { CancelRequested = true }, HostEventTypes.JobProgress);
        Cancellation.Cancel();
        return true;
    }

    public void Complete(VmSummary? vm, string? result = null) =>
        End(i => i with { State = JobStates.Completed, Percent = 100, Phase = null, Vm = vm, Result = result });

    public void Fail(ApiProblem problem, VmSummary? vm) =>
        End(i => i with { State = JobStates.Failed, Problem = problem with { JobId = i.Id }, Vm = vm });

    public void Cancel(ApiProblem problem, VmSummary? vm) =>
        End(i => i with { State = JobStates.Cancelled, Problem = problem with { JobId = i.Id }, Vm = vm });

    private void End(Func<JobInfo, JobInfo> change)
    {
        lock (gate)
        {
            if (JobStates.IsEnded(info.State))
                return;
            info = change(info) with { EndedAt = clock.GetUtcNow(), StartedAt = info.StartedAt ?? clock.GetUtcNow() };
        }
        Changed?.Invoke(this, HostEventTypes.JobEnded);
        ended.TrySetResult();
    }

    private void Update(Func<JobInfo, JobInfo> change, string eventType)
    {
        lock (gate)
        {
            if (JobStates.IsEnded(info.State))
                return;
            info = change(info);
        }
        Changed?.Invoke(this, eventType);
    }
}
