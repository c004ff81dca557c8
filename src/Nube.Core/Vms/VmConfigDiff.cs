using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Nube.Core.Serialization;

namespace Nube.Core.Vms;

/// <summary>
/// What changed between two configurations of one VM, setting by setting, in the order of
/// <see cref="VmConfig"/>'s properties (Secure Boot, which came later, last). Lists compare item
/// by item and records by value (the disks of each SCSI controller included). Id, schema version
/// and generation are not settings and are not compared (<see cref="Validation.ChangeRules"/>
/// refuses a change of generation).
/// </summary>
public sealed class VmConfigDiff
{
    private VmConfigDiff(VmConfig before, VmConfig after, ImmutableArray<VmConfigChange> changes) =>
        (Before, After, Changes) = (before, after, changes);

    public VmConfig Before { get; }

    public VmConfig After { get; }

    public IReadOnlyList<VmConfigChange> Changes { get; }

    public bool IsEmpty => Changes.Count == 0;

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
        List(changes, VmFields.IdeDrives, before.IdeDrives, after.IdeDrives);
        List(changes, VmFields.ScsiControllers, before.ScsiControllers, after.ScsiControllers, SameControllers);
        List(changes, VmFields.NetworkAdapters, before.NetworkAdapters, after.NetworkAdapters);
        Record(changes, VmFields.Com1, before.Com1, after.Com1);
        Scalar(changes, VmFields.AutomaticStartAction, EnumWords.Word(before.AutomaticStartAction), EnumWords.Word(after.AutomaticStartAction));
        Scalar(changes, VmFields.AutomaticStartDelaySeconds, Number(before.AutomaticStartDelaySeconds), Number(after.AutomaticStartDelaySeconds));
        Scalar(changes, VmFields.AutomaticStopAction, EnumWords.Word(before.AutomaticStopAction), EnumWords.Word(after.AutomaticStopAction));
        Scalar(changes, VmFields.CrashAction, EnumWords.Word(before.CrashAction), EnumWords.Word(after.CrashAction));
        Scalar(changes, VmFields.Notes, before.Notes, after.Notes);
        Record(changes, VmFields.IntegrationServices, before.IntegrationServices, after.IntegrationServices);
        Scalar(changes, VmFields.SecureBoot, Word(before.SecureBoot), Word(after.SecureBoot));
        List(changes, VmFields.KvpHostItems, before.KvpHostItems, after.KvpHostItems);
        return new VmConfigDiff(before, after, changes.ToImmutable());
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

    private static void List<T>(ImmutableArray<VmConfigChange>.Builder changes, string field,
        ImmutableArray<T> before, ImmutableArray<T> after, Func<ImmutableArray<T>, ImmutableArray<T>, bool>? same = null)
    {
        var (b, a) = (Items(before), Items(after));
        if (!(same is null ? SameItems(b, a) : same(b, a)))
            changes.Add(new(field, Json(b), Json(a)));
    }

    private static bool SameItems<T>(ImmutableArray<T> before, ImmutableArray<T> after) => before.SequenceEqual(after);

    // A record's own equality compares an ImmutableArray by reference: a controller is the same
    // when its settings and its disks are, item by item.
    private static bool SameControllers(ImmutableArray<ScsiController> before, ImmutableArray<ScsiController> after) =>
        before.Length == after.Length
        && before.Zip(after).All(pair => pair.First.IoThread == pair.Second.IoThread
            && SameItems(Items(pair.First.Disks), Items(pair.Second.Disks)));

    private static ImmutableArray<T> Items<T>(ImmutableArray<T> items) => items.IsDefault ? [] : items;

    private static string Word(bool? value) => value switch { null => "default", true => "true", false => "false" };

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, NubeJson.Compact);
}
