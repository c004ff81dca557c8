using System.Collections.Concurrent;
using Nube.Contracts;
using Nube.Contracts.Events;
using Nube.Contracts.Jobs;
using Nube.Contracts.Vms;
using Nube.Service.Events;

namespace Nube.Service.Jobs;

/// <summary>
/// Every job of the host: those under way and a bounded history of ended ones. It creates jobs,
/// publishes their changes as events and keeps their records on disk. How an error reads as a
/// problem document and a VM as a summary is the API's to say: it hands both in.
/// </summary>
public sealed class JobBook(JobStore store, EventHub events, TimeProvider clock,
    Func<Exception, ApiProblem> describe, Func<Vms.VmSnapshot, VmSummary> summarize)
{
    /// <summary>Ended jobs kept (in memory and on disk); older ones are forgotten.</summary>
    public const int HistoryLimit = 200;

    private readonly ConcurrentDictionary<Guid, Job> jobs = new();
    private readonly ConcurrentDictionary<Guid, string> savedStates = new();

    /// <summary>A new queued job; <see cref="JobOrigin"/> says who asked for it.</summary>
    public Job Create(Guid vmId, string vmName, string kind)
    {
        var id = Guid.NewGuid();
        var job = new Job(new JobInfo
        {
            Id = id, Kind = kind, VmId = vmId, VmName = vmName, HostId = events.HostId, RequestedBy = JobOrigin.Claim(id), State = JobStates.Queued,
            CreatedAt = clock.GetUtcNow(),
        }, clock);
        job.Changed = OnChanged;
        jobs[job.Id] = job;
        savedStates[job.Id] = JobStates.Queued;
        store.Save(job.Info);
        Publish(HostEventTypes.JobCreated, job.Info);
        return job;
    }

    public void Complete(Job job, Vms.VmSnapshot vm, string? result = null) => job.Complete(summarize(vm), result);

    public void Fail(Job job, Exception error, Vms.VmSnapshot vm) => job.Fail(describe(error), summarize(vm));

    public void Cancel(Job job, Exception why, Vms.VmSnapshot vm) => job.Cancel(describe(why), summarize(vm));

    /// <summary>
    /// Ends a VM's job as its work ended: completed, cancelled (a cancel was asked and the work gave
    /// way), or failed (logged with the VM's name).
    /// </summary>
    public void End(Job job, Exception? failure, Vms.VmSnapshot vm, ILogger logger, string? result = null)
    {
        if (failure is null)
            Complete(job, vm, result);
        else if (failure is OperationCanceledException && job.Cancellation.IsCancellationRequested)
            Cancel(job, new Vms.Errors.JobCancelledException(job.Kind, vm.Name, Core.Lifecycle.VmLifecycle.Word(vm.State)), vm);
        else
        {
            logger.LogWarning("VM {Name}: {Kind} failed: {Error}", vm.Name, job.Kind, failure.Message);
            Fail(job, failure, vm);
        }
    }

    public Job Get(string id) =>
        Guid.TryParse(id, out var guid) && jobs.TryGetValue(guid, out var job) ? job : throw new JobNotFoundException(id);

    /// <summary>Newest first; only one VM's when <paramref name="vmId"/> is given.</summary>
    public IReadOnlyList<JobInfo> List(Guid? vmId = null) =>
        [.. jobs.Values.Select(j => j.Info).Where(i => vmId is null || i.VmId == vmId).OrderByDescending(i => i.CreatedAt)];

    /// <summary>
    /// Loads the records of an earlier run. A job that had not ended then never will: it is
    /// failed, and says what its VM turned out to be once reconciled with its QEMU.
    /// </summary>
    public void Load(Func<Guid, Vms.VmSnapshot?> vmNow)
    {
        foreach (var record in store.LoadAll())
        {
            var info = record;
            if (!JobStates.IsEnded(info.State))
            {
                var vm = vmNow(info.VmId) is { } snapshot ? summarize(snapshot) : null;
                info = info with
                {
                    State = JobStates.Failed,
                    EndedAt = clock.GetUtcNow(),
                    Vm = vm,
                    Problem = new ApiProblem
                    {
                        Status = 500, Title = "The host service restarted", JobId = info.Id,
                        Detail = $"The host service restarted while this {info.Kind} job was {info.State}" +
                                 (vm is null ? "; its VM no longer exists." : $"; VM '{vm.Name}' is {vm.State}, as its QEMU is.") +
                                 (info.Kind == "move" ? " The move's own record settles where the VM runs (a recover-move job says how)." : ""),
                    },
                };
                store.Save(info);
            }
            jobs[info.Id] = new Job(info, clock);
        }
        Trim();
    }

    /// <summary>Records are written when a job's state changes, not on every progress step.</summary>
    private void OnChanged(Job job, string eventType)
    {
        var info = job.Info;
        if (!savedStates.TryGetValue(job.Id, out var saved) || saved != info.State)
        {
            savedStates[job.Id] = info.State;
            store.Save(info);
        }
        Publish(eventType, info);
        if (eventType == HostEventTypes.JobEnded)
            Trim();
    }

    private void Publish(string type, JobInfo info) =>
        events.Publish(new HostEvent { Sequence = 0, Type = type, Time = clock.GetUtcNow(), VmId = info.VmId, VmName = info.VmName, Job = info });

    private void Trim()
    {
        var ended = jobs.Values.Where(j => j.IsEnded).OrderByDescending(j => j.Info.EndedAt).Skip(HistoryLimit).ToList();
        foreach (var old in ended)
        {
            jobs.TryRemove(old.Id, out _);
            savedStates.TryRemove(old.Id, out _);
            store.Delete(old.Id);
        }
    }
}
