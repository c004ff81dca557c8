using System.Globalization;
using Nube.Contracts.Events;
using Nube.Contracts.Jobs;

namespace Nube.Cli.Output;

/// <summary>One line per host event, for people: "14:03:01.120  web1  state  off -> starting".</summary>
public static class EventLines
{
    /// <summary>Most VM names fit; a longer one only shifts its own line.</summary>
    private const int NameWidth = 12;

    public static string Format(HostEvent e)
    {
        var time = e.Time.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        var vm = e.VmName ?? e.Job?.VmName ?? "-";
        return $"{time}  {vm.PadRight(NameWidth)}  {What(e)}";
    }

    private static string What(HostEvent e) => e.Type switch
    {
        HostEventTypes.VmCreated => "created",
        HostEventTypes.VmChanged => "changed",
        HostEventTypes.VmRemoved => "removed",
        HostEventTypes.VmStateChanged => $"state  {e.PreviousState ?? "?"} -> {e.State}{(e.Reason is { } r ? $"  ({r})" : "")}",
        HostEventTypes.VmIntegrationChanged when e.Integration is { } i =>
            $"integration  {i.DisplayName}: {IntegrationTables.Status(i.Status)}{(i.Error is { } err ? $"  ({err})" : "")}",
        HostEventTypes.VmTimeSynced when e.TimeSync is { } t => $"time synced  the guest's clock was {IntegrationTables.Drift(t.DriftMilliseconds)}",
        HostEventTypes.VmFrozen when e.Freeze is { } f => $"frozen  {f.FileSystems} file system(s), {f.Reason}, until {JobText.When(f.ThawDeadline)} at the latest",
        HostEventTypes.VmThawed => $"thawed  {e.Reason}",
        HostEventTypes.JobCreated when e.Job is { } j => $"job {j.Kind} {j.State} (job {j.Id})",
        HostEventTypes.JobProgress when e.Job is { } j => $"job {j.Kind} {JobText.Progress(j)}",
        HostEventTypes.JobEnded when e.Job is { } j => $"job {j.Kind} {Ended(j)}",
        HostEventTypes.Overflow => "overflow  events were skipped (this client was too slow); 'nube vm list' and 'nube job list' show where things are",
        _ => e.Type,
    };

    private static string Ended(JobInfo job) => job.State switch
    {
        JobStates.Completed => $"completed{(JobText.Took(job, DateTimeOffset.UtcNow) is { } t ? $" in {JobText.Duration(t)}" : "")}",
        JobStates.Failed => $"failed: {(job.Problem is { } p ? JobText.Problem(p) : "no reason given")}",
        _ => job.State,
    };
}
