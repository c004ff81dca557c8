using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>
/// What QEMU is asked to do so that a running VM's devices become the desired ones: pure, golden
/// tested. Each device change is a unit of steps, each step with its undo; the caller has
/// checked with <see cref="LiveChanges"/> that every change may be made while the VM runs. A
/// device's block nodes and device come from <see cref="DiskModel"/>, as at a cold boot.
/// </summary>
public static class DevicePlan
{
    /// <exception cref="ArgumentException">A change that cannot be made while the VM runs (the caller checks first).</exception>
    public static ImmutableArray<DeviceUnit> Plan(VmConfig running, VmConfig desired,
        ImmutableDictionary<string, ImmutableArray<BackingImage>>? backing = null)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(desired);
        ImmutableArray<BackingImage> Chain(string? path) =>
            path is not null && backing is not null && backing.TryGetValue(path, out var known) ? known : [];
        var diff = VmConfigDiff.Compute(running, desired);
        return [.. diff.Devices.Select(change => change switch
        {
            ScsiDiskChange { Kind: DeviceChangeKind.Add, After: { } disk } add =>
                new DeviceUnit(change, Add(DiskModel.Scsi(add.Controller, disk, $"{add.Field}.path", Chain(disk.Path), Generations.BootIndex(desired, add.Address)))),
            ScsiDiskChange { Kind: DeviceChangeKind.Remove, Before: { } disk } remove =>
                new DeviceUnit(change, Remove(DiskModel.Scsi(remove.Controller, disk, $"{remove.Field}.path", Chain(disk.Path), Generations.BootIndex(running, remove.Address)))),
            IdeDriveChange { IsMediaChange: true, Before: { } before, After: { } after } media =>
                new DeviceUnit(change, ChangeMedium(
                    DiskModel.Ide(before, $"{media.Field}.path", Chain(before.Path), null),
                    DiskModel.Ide(after, $"{media.Field}.path", Chain(after.Path), null), after.Id)),
            ScsiDiskChange { IsMediaChange: true, Before: { } before, After: { } after } media =>
                new DeviceUnit(change, ChangeMedium(
                    DiskModel.Scsi(media.Controller, before, $"{media.Field}.path", Chain(before.Path), null),
                    DiskModel.Scsi(media.Controller, after, $"{media.Field}.path", Chain(after.Path), null), after.Id)),
            NetworkAdapterChange { IsPortChange: true, Before: { } before, After: { } after } => new DeviceUnit(change, MovePort(running, before, desired, after)),
            NetworkAdapterChange { Kind: DeviceChangeKind.Add, After: { } adapter } add =>
                new DeviceUnit(change, AddAdapter(adapter, AdapterModel.Of(desired, adapter, add.Field))),
            NetworkAdapterChange { Kind: DeviceChangeKind.Remove, Before: { } adapter } remove =>
                new DeviceUnit(change, RemoveAdapter(AdapterModel.Of(running, adapter, remove.Field))),
            _ => throw new ArgumentException($"{change.Field}: cannot {change} while the VM runs", nameof(desired)),
        })];
    }

    /// <summary>Bottom up: each file handed over, each node added, then the device that uses the top one.</summary>
    private static ImmutableArray<PlannedStep> Add(DiskParts parts) =>
        [.. AddNodes(parts), new PlannedStep(new QmpStep("device_add", parts.Device.ToJson()), [new DeleteDeviceStep(Id(parts.Device))])];

    /// <summary>The device first (the guest lets go of it), then the nodes top down, then the files.</summary>
    private static ImmutableArray<PlannedStep> Remove(DiskParts parts) =>
        [new PlannedStep(new DeleteDeviceStep(Id(parts.Device)), [new QmpStep("device_add", parts.Device.ToJson())]), .. RemoveNodes(parts)];

    /// <summary>
    /// A DVD's medium, as the guest sees a real drive: the tray opens (forced, as an eject button
    /// held down: a guest that locked it is overruled), the old medium comes out, the new one goes
    /// in and the tray closes. The old medium's files are let go of last, so that every earlier step can be undone.
    /// </summary>
    private static ImmutableArray<PlannedStep> ChangeMedium(DiskParts before, DiskParts after, string drive)
    {
        var id = new JsonObject { ["id"] = drive };
        var steps = ImmutableArray.CreateBuilder<PlannedStep>();
        steps.Add(new(Qmp("blockdev-open-tray", new() { ["id"] = drive, ["force"] = true }), [Qmp("blockdev-close-tray", id)]));
        if (!before.Nodes.IsEmpty)
        {
            steps.Add(new(Qmp("blockdev-remove-medium", id), [Qmp("blockdev-insert-medium", new() { ["id"] = drive, ["node-name"] = drive })]));
            steps.AddRange(RemoveNodes(before).Where(s => s.Do is not DropFileStep));
        }
        if (!after.Nodes.IsEmpty)
        {
            steps.AddRange(AddNodes(after));
            steps.Add(new(Qmp("blockdev-insert-medium", new() { ["id"] = drive, ["node-name"] = drive }), [Qmp("blockdev-remove-medium", id)]));
        }
        steps.Add(new(Qmp("blockdev-close-tray", id), [Qmp("blockdev-open-tray", new() { ["id"] = drive, ["force"] = true })]));
        steps.AddRange(RemoveNodes(before).Where(s => s.Do is DropFileStep));
        return steps.ToImmutable();
    }

    /// <summary>
    /// A new switch: the adapter's link drops, its TAP moves to the other bridge (or out of any)
    /// and, on a switch, the link returns: the guest sees the cable pulled and plugged in
    /// elsewhere, as Hyper-V's guests do. New guards only: the port changes, the link stays.
    /// </summary>
    private static ImmutableArray<PlannedStep> MovePort(VmConfig running, NetworkAdapter before, VmConfig desired, NetworkAdapter after)
    {
        var from = AdapterModel.Port(running, before)!;
        var to = AdapterModel.Port(desired, after)!;
        var moves = !string.Equals(before.Switch, after.Switch, StringComparison.Ordinal);
        var steps = ImmutableArray.CreateBuilder<PlannedStep>();
        if (moves && before.Switch is not null)
            steps.Add(new(SetLink(after.Id, false), [SetLink(after.Id, true)]));
        steps.Add(new(new PortStep(to), [new PortStep(from)]));
        if (moves && after.Switch is not null)
            steps.Add(new(SetLink(after.Id, true), [SetLink(after.Id, false)]));
        return steps.ToImmutable();
    }

    /// <summary>
    /// Its port first (the guards hold before QEMU has the TAP), then its backend, then the device;
    /// an adapter on no switch then has its link down, as at a cold boot.
    /// </summary>
    private static ImmutableArray<PlannedStep> AddAdapter(NetworkAdapter adapter, AdapterParts parts)
    {
        var steps = ImmutableArray.CreateBuilder<PlannedStep>();
        if (parts.Port is { } port)
            steps.Add(new(new AddPortStep(port), [new RemovePortStep(port)]));
        if (parts.Netdev is { } netdev)
            steps.Add(new(Backend(netdev), [DeleteBackend(netdev)]));
        steps.Add(new(new QmpStep("device_add", parts.Device.ToJson()), [new DeleteDeviceStep(Id(parts.Device))]));
        if (parts.Port is not null && adapter.Switch is null)
            steps.Add(new(SetLink(adapter.Id, false), [SetLink(adapter.Id, true)]));
        return steps.ToImmutable();
    }

    /// <summary>The device first (the guest lets go of it), then its backend (QEMU closes the TAP), then the TAP.</summary>
    private static ImmutableArray<PlannedStep> RemoveAdapter(AdapterParts parts)
    {
        var steps = ImmutableArray.CreateBuilder<PlannedStep>();
        steps.Add(new(new DeleteDeviceStep(Id(parts.Device)), [new QmpStep("device_add", parts.Device.ToJson())]));
        if (parts.Netdev is { } netdev)
            steps.Add(new(DeleteBackend(netdev), [Backend(netdev)]));
        if (parts.Port is { } port)
            steps.Add(new(new RemovePortStep(port), [new AddPortStep(port)]));
        return steps.ToImmutable();
    }

    private static PlanStep Backend(QemuProps netdev) =>
        (netdev["fd"] ?? netdev["fds"]) is TapQueues queues ? new TapBackendStep(queues, netdev.ToJson()) : new QmpStep("netdev_add", netdev.ToJson());

    private static QmpStep DeleteBackend(QemuProps netdev) => Qmp("netdev_del", new() { ["id"] = (string)netdev["id"]! });

    /// <summary>QMP <c>set_link</c>: the adapter's carrier as the guest sees it.</summary>
    public static QmpStep SetLink(string adapterId, bool up) => Qmp("set_link", new() { ["name"] = adapterId, ["up"] = up });

    private static IEnumerable<PlannedStep> AddNodes(DiskParts parts)
    {
        foreach (var node in parts.Nodes)
        {
            if (node["filename"] is FdSet file)
                yield return new(new PassFileStep(file), [new DropFileStep(file)]);
            yield return new(new QmpStep("blockdev-add", node.ToJson()), [Qmp("blockdev-del", new() { ["node-name"] = (string)node["node-name"]! })]);
        }
    }

    /// <summary>Top down; the files nubed handed over are let go of after every node is gone (nothing to undo then).</summary>
    private static IEnumerable<PlannedStep> RemoveNodes(DiskParts parts)
    {
        foreach (var node in parts.Nodes.Reverse())
            yield return new(Qmp("blockdev-del", new() { ["node-name"] = (string)node["node-name"]! }), [new QmpStep("blockdev-add", node.ToJson())]);
        foreach (var file in parts.Files)
            yield return new(new DropFileStep(file), []);
    }

    private static QmpStep Qmp(string command, JsonObject arguments) => new(command, arguments);

    private static string Id(QemuProps device) => (string)device["id"]!;
}
