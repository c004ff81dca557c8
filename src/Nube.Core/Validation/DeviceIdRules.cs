using System.Text.RegularExpressions;
using Nube.Core.Vms;

namespace Nube.Core.Validation;

/// <summary>
/// Device ids (see <see cref="DeviceIds"/>): nubed gives them, a client sends them back. Each is
/// a QEMU id, so it is short, plain ASCII starting with a letter, and unique in the VM.
/// </summary>
internal static partial class DeviceIdRules
{
    public const int MaxLength = 16;

    public static void Check(VmConfig vm, List<ValidationError> errors)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, id) in Fields(vm))
        {
            if (!Pattern().IsMatch(id))
                errors.Add(new(field, id, id.Length == 0
                    ? $"{field}: missing; every device needs an id (leave the device's id out and nubed gives one)"
                    : $"{field}: {Quoting.Quote(id)} is not a device id: 1 to {MaxLength} lower-case letters, digits and '-', starting with a letter"));
            else if (!seen.TryAdd(id, field))
                errors.Add(new(field, id, $"{field}: {Quoting.Quote(id)} is already the id of {seen[id]}"));
        }
    }

    private static IEnumerable<(string Field, string Id)> Fields(VmConfig vm)
    {
        for (var c = 0; c < vm.ScsiControllers.Length; c++)
        {
            yield return ($"scsiControllers[{c}].id", vm.ScsiControllers[c].Id);
            var disks = vm.ScsiControllers[c].Disks;
            for (var d = 0; d < disks.Length; d++)
                yield return ($"scsiControllers[{c}].disks[{d}].id", disks[d].Id);
        }
        for (var i = 0; i < vm.IdeDrives.Length; i++)
            yield return ($"ideDrives[{i}].id", vm.IdeDrives[i].Id);
        for (var i = 0; i < vm.NetworkAdapters.Length; i++)
            yield return ($"networkAdapters[{i}].id", vm.NetworkAdapters[i].Id);
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,15}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
