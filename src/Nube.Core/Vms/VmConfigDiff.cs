using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Nube.Core.Serialization;

namespace Nube.Core.Vms;

/// <summary>
/// What changed between two configurations of one VM: the settings, one by one in the order of
/// <see cref="VmConfig"/>'s properties (Secure Boot, which came later, last), and the devices,
/// one by one by id (<see cref="DeviceDiff"/>). Records compare by value, lists item by item. Id,
/// schema version and generation are not settings and are not compared
/// (<see cref="Validation.ChangeRules"/> refuses a change of generation).
/// </summary>
public sealed class VmConfigDiff
{
    private VmConfigDiff(VmConfig before, VmConfig after, ImmutableArray<VmConfigChange> changes, ImmutableArray<DeviceChange> devices) =>
        (Before, After, Changes, Devices) = (before, after, changes, devices);

    public VmConfig Before { get; }

    public VmConfig After { get; }

    /// <summary>The settings that changed; the device lists are in <see cref="Devices"/>.</summary>
    public IReadOnlyList<VmConfigChange> Changes { get; }

    /// <summary>The SCSI controllers, drives and network adapters added, removed or changed.</summary>
    public ImmutableArray<DeviceChange> Devices { get; }

    public bool IsEmpty => Changes.Count == 0 && Devices.IsEmpty;

    /// <summary>True when the setting named as in JSON (e.g. <c>processorCount</c>) changed.</summary>
    public bool Changed(string field) => Changes.Any(change => change.Field == field);

    /// <exception cref="ArgumentException">The two configurations belong to different VMs.</exception>
    public static VmConfigDiff Compute(VmConfig before, VmConfig after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (before.Id != after.Id)
            throw new ArgumentException($"A diff compares one VM's configurations; got VMs {before.Id} and {after.Id}.", nameof(after));
        var changes = ImmutableArray.CreateBuilder<VmConfigChange>();
        Scalar(changes, VmFields.Name, before.Name, after.Name);
        Scalar(changes, VmFields.ProcessorCount, Number(before.ProcessorCount), Number(after.ProcessorCount));
        Scalar(changes, VmFields.CpuReserve, Number(before.CpuReserve), Number(after.CpuReserve));
        Scalar(changes, VmFields.CpuLimit, Number(before.CpuLimit), Number(after.CpuLimit));
        Scalar(changes, VmFields.CpuWeight, Number(before.CpuWeight), Number(after.CpuWeight));
        Scalar(changes, VmFields.MemoryStartupMiB, Number(before.MemoryStartupMiB), Number(after.MemoryStartupMiB));
        Record(changes, VmFields.Boot, before.Boot, after.Boot);
        Record(changes, VmFields.Com1, before.Com1, after.Com1);
        Scalar(changes, VmFields.AutomaticStartAction, EnumWords.Word(before.AutomaticStartAction), EnumWords.Word(after.AutomaticStartAction));
        Scalar(changes, VmFields.AutomaticStartDelaySeconds, Number(before.AutomaticStartDelaySeconds), Number(after.AutomaticStartDelaySeconds));
        Scalar(changes, VmFields.AutomaticStopAction, EnumWords.Word(before.AutomaticStopAction), EnumWords.Word(after.AutomaticStopAction));
        Scalar(changes, VmFields.CrashAction, EnumWords.Word(before.CrashAction), EnumWords.Word(after.CrashAction));
        Scalar(changes, VmFields.Notes, before.Notes, after.Notes);
        Record(changes, VmFields.IntegrationServices, before.IntegrationServices, after.IntegrationServices);
        Scalar(changes, VmFields.SecureBoot, Word(before.SecureBoot), Word(after.SecureBoot));
        Scalar(changes, VmFields.Machine, before.Machine ?? "null", after.Machine ?? "null");
        Scalar(changes, VmFields.ProcessorModel, before.Processor is { } was ? EnumWords.Word(was) : "null", after.Processor is { } now ? EnumWords.Word(now) : "null");
        Scalar(changes, VmFields.PcieRootPorts, before.PcieRootPorts?.ToString(CultureInfo.InvariantCulture) ?? "null", after.PcieRootPorts?.ToString(CultureInfo.InvariantCulture) ?? "null");
        List(changes, VmFields.KvpHostItems, before.KvpHostItems, after.KvpHostItems);
        return new VmConfigDiff(before, after, changes.ToImmutable(), DeviceDiff.Compute(before, after));
    }

    private static void Scalar(ImmutableArray<VmConfigChange>.Builder changes, string field, string before, string after)
    {
        if (!string.Equals(before, after, StringComparison.Ordinal))
            changes.Add(new(field, before, after));
    }

    private static void Record<T>(ImmutableArray<VmConfigChange>.Builder changes, string field, T before, T after) where T : class
    {
        if (!EqualityComparer<T>.Default.Equals(before, after))
            changes.Add(new(field, Json(before), Json(after)));
    }

    private static void List<T>(ImmutableArray<VmConfigChange>.Builder changes, string field, ImmutableArray<T> before, ImmutableArray<T> after)
    {
        var (b, a) = (Items(before), Items(after));
        if (!b.SequenceEqual(a))
            changes.Add(new(field, Json(b), Json(a)));
    }

    private static ImmutableArray<T> Items<T>(ImmutableArray<T> items) => items.IsDefault ? [] : items;

    private static string Word(bool? value) => value switch { null => "default", true => "true", false => "false" };

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, NubeJson.Compact);
}
