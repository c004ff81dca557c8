using Nube.Core.Vms;

namespace Nube.Core.Validation;

/// <summary>Settings that are chosen when a VM is created and never change afterwards.</summary>
public static class ChangeRules
{
    public static IReadOnlyList<ValidationError> Check(VmConfig before, VmConfig after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return before.Generation == after.Generation ? [] :
        [
            new(VmFields.Generation, Messages.Text(after.Generation),
                $"generation: {after.Generation} cannot be set on an existing VM; a VM's generation is chosen when it is created (this one is generation {before.Generation})"),
        ];
    }
}
