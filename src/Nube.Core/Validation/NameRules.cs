using Nube.Core.Vms;

namespace Nube.Core.Validation;

/// <summary>
/// A VM name is only a display name, but operators pick VMs by it, so it must be printable and
/// unique ignoring case (Hyper-V allows duplicates; that only confuses).
/// </summary>
internal static class NameRules
{
    private const string Need = "a VM name needs 1 to 100 characters";

    public static void Check(string name, IEnumerable<string> otherVmNames, List<ValidationError> errors)
    {
        var quoted = Quoting.Quote(name);
        if (name.Length == 0)
            errors.Add(new("name", name, $"name: {quoted} is empty; {Need}"));
        else if (name.Length > VmValidator.MaxNameLength)
            errors.Add(new("name", name, $"name: {quoted} has {name.Length} characters; {Need}"));
        if (name.Any(char.IsControl))
            errors.Add(new("name", name, $"name: {quoted} contains a control character; a VM name must be printable"));
        var taken = otherVmNames.FirstOrDefault(other => string.Equals(other, name, StringComparison.OrdinalIgnoreCase));
        if (taken is not null)
            errors.Add(new("name", name, $"name: {quoted} is already the name of another VM ({Quoting.Quote(taken)})"));
    }
}
