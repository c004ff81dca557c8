using System.Globalization;
using Nube.Core.Editions;
using Nube.Core.Hosts;

namespace Nube.Core.Validation;

/// <summary>The edition limits that concern the host rather than one VM's configuration.</summary>
public static class HostValidator
{
    private const long BytesPerGiB = 1L << 30;

    public static IReadOnlyList<ValidationError> Validate(HostFacts facts, Edition edition)
    {
        var errors = new List<ValidationError>();
        if (facts.MemoryBytes > edition.MaxHostMemoryGiB * BytesPerGiB)
        {
            var gib = (facts.MemoryBytes / (double)BytesPerGiB).ToString("0.#", CultureInfo.InvariantCulture);
            errors.Add(new("host memory", $"{gib} GiB",
                $"host memory: {gib} GiB exceeds the limit of {edition.MaxHostMemoryGiB} GiB of host memory of edition '{edition.Name}'"));
        }
        if (facts.LogicalProcessors > edition.MaxHostLogicalProcessors)
            errors.Add(Messages.Exceeds("host logical processors", facts.LogicalProcessors,
                $"{edition.MaxHostLogicalProcessors} logical processors", edition));
        return errors;
    }

    /// <summary>Null when one more VM may start; else the error to report.</summary>
    public static ValidationError? CheckRunningVms(int runningNow, Edition edition)
    {
        var after = runningNow + 1;
        if (edition.MaxRunningVms is not { } limit || after <= limit)
            return null;
        return new("running VMs", Messages.Text(after),
            $"running VMs: starting another would make {after}, above the limit of {limit} running VMs of edition '{edition.Name}'");
    }

    /// <summary>Null when the edition offers live migration; else the error (it offers quick migration only: save, move, restore).</summary>
    public static ValidationError? CheckLiveMigration(Edition edition) => edition.LiveMigration ? null
        : new("live migration", edition.Name,
            $"live migration: edition '{edition.Name}' does not offer live migration; use quick migration (save, move, restore) instead");
}
