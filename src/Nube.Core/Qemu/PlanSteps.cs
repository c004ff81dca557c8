using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>One step of a device plan, as data: what the VM's controller asks of QEMU.</summary>
public abstract record PlanStep
{
    /// <summary>One line, as the goldens and the job's progress show it.</summary>
    public abstract string Describe();
}

/// <summary>nubed opens the file and hands it to QEMU (QMP <c>add-fd</c>); the fdset's number fills <see cref="FdSet.Placeholder"/> in later steps.</summary>
public sealed record PassFileStep(FdSet File) : PlanStep
{
    public override string Describe() => $"add-fd {File.Node}: {File.Path} ({(File.ReadOnly ? "read-only" : "read-write")}{(File.Direct ? ", O_DIRECT" : "")}, {File.Field})";
}

/// <summary>QEMU no longer needs the file nubed handed it for this node (QMP <c>remove-fd</c>): its descriptor, and the image lock on it, go.</summary>
public sealed record DropFileStep(FdSet File) : PlanStep
{
    public override string Describe() => $"remove-fd {File.Node}: {File.Path}";
}

public sealed record QmpStep(string Command, JsonObject Arguments) : PlanStep
{
    public override string Describe() => $"{Command} {Arguments.ToJsonString()}";
}

/// <summary>
/// <c>device_del</c>, then the guest's acknowledgement (<c>DEVICE_DELETED</c>): until then the
/// device, and the disk behind it, stay attached.
/// </summary>
public sealed record DeleteDeviceStep(string DeviceId) : PlanStep
{
    public override string Describe() => $"device_del {{\"id\":\"{DeviceId}\"}}, then wait for DEVICE_DELETED";
}

/// <summary>
/// The host makes a running adapter's port as <see cref="Port"/> says: its TAP in its switch's
/// bridge (or in none when <see cref="SwitchPort.Switch"/> is null) and its guards.
/// </summary>
public sealed record PortStep(SwitchPort Port) : PlanStep
{
    public override string Describe()
    {
        var g = Port.Guards;
        var guards = string.Join(", ", new[] { g.MacAddressSpoofing ? null : "MAC", g.DhcpGuard ? "DHCP" : null, g.RouterGuard ? "router" : null }.OfType<string>());
        return $"{(Port.Switch is { } sw ? $"plug TAP {Port.Tap} into switch {sw}, VLAN {Port.Vlan}" : $"plug TAP {Port.Tap} out of its switch")}, " +
            $"guards: {(guards.Length == 0 ? "none" : guards)}{(g.Addresses is { } a ? $", from {a} only" : "")}{(Port.BandwidthMbps is { } mbps ? $", at most {mbps} Mbit/s" : "")}" +
            (Port.Weight is { } weight ? $", bandwidth weight {weight}" : "");
    }
}

/// <summary>The host makes a new adapter's port: its TAP, in its switch's bridge (or in none), with its guards and bandwidth.</summary>
public sealed record AddPortStep(SwitchPort Port) : PlanStep
{
    public override string Describe() => $"make TAP {Port.Tap}{(Port.MultiQueue ? " multi_queue" : "")} " +
        (Port.Switch is { } sw ? $"on switch {sw}, VLAN {Port.Vlan}" : "on no switch");
}

/// <summary>The host deletes a removed adapter's TAP, which QEMU no longer holds, and its guards.</summary>
public sealed record RemovePortStep(SwitchPort Port) : PlanStep
{
    public override string Describe() => $"delete TAP {Port.Tap}";
}

/// <summary>
/// A TAP backend for a hot add: nubed attaches to the TAP once per queue and hands each
/// descriptor over (QMP <c>getfd</c>, named as <see cref="TapQueues.Names"/>), then
/// <c>netdev_add</c> takes them. When netdev_add fails the descriptors are closed again (<c>closefd</c>).
/// </summary>
public sealed record TapBackendStep(TapQueues Queues, JsonObject Netdev) : PlanStep
{
    public override string Describe() => $"getfd {string.Join(", ", Queues.Names)} (TAP {Queues.Tap}), netdev_add {Netdev.ToJsonString()}";
}

/// <summary>A step and the steps that take it back, run in reverse order when a later step fails.</summary>
public sealed record PlannedStep(PlanStep Do, ImmutableArray<PlanStep> Undo);

/// <summary>The steps for one device change; when they are all done, the running configuration has the change.</summary>
public sealed record DeviceUnit(DeviceChange Change, ImmutableArray<PlannedStep> Steps);

/// <summary>
/// Follows a QEMU block job (<c>query-jobs</c>) to its end, reporting its progress: one that
/// becomes ready (an active commit) is completed with <c>job-complete</c>; the ended job's error,
/// if any, fails the step; the job is dismissed. Cancelled, the job is cancelled in QEMU, which
/// leaves the images as they were.
/// </summary>
public sealed record BlockJobStep(string JobId, bool CompleteWhenReady) : PlanStep
{
    public override string Describe() =>
        $"follow job {JobId} (query-jobs){(CompleteWhenReady ? ", job-complete when ready" : "")}, then job-dismiss";
}

/// <summary>
/// Makes a node QEMU opened read-only (an image below the disk's top, at the start) writable, for
/// a merge into it: a read-write descriptor joins the file's fdset, <c>blockdev-reopen</c> reopens
/// the nodes with <paramref name="Reopen"/> (their options, read-only off), and the read-only
/// descriptor leaves the fdset, so that QEMU closes it and the image lock it held goes.
/// </summary>
public sealed record ReopenWritableStep(FdSet File, JsonObject Reopen) : PlanStep
{
    public override string Describe() => $"add-fd {File.Node} into its fdset: {File.Path} (read-write{(File.Direct ? ", O_DIRECT" : "")}), blockdev-reopen {Reopen.ToJsonString()}, " +
        "then remove-fd its read-only descriptor";
}
