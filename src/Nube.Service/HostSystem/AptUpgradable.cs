using System.Text.RegularExpressions;
using Nube.Contracts.HostSystem;

namespace Nube.Service.HostSystem;

/// <summary>
/// Reads <c>apt list --upgradable</c> in the C locale: <c>name/suites candidate arch [upgradable from: installed]</c>
/// per line. Other lines (Listing..., warnings) are skipped; a package listed for two architectures is listed once.
/// </summary>
public static partial class AptUpgradable
{
    public static IReadOnlyList<PackageUpdate> Parse(string output)
    {
        var updates = new List<PackageUpdate>();
        foreach (var line in output.Split('\n', StringSplitOptions.TrimEntries))
        {
            var m = Line().Match(line);
            if (m.Success && !updates.Exists(u => u.Package == m.Groups["name"].Value))
                updates.Add(new PackageUpdate
                {
                    Package = m.Groups["name"].Value,
                    Installed = m.Groups["installed"].Value,
                    Candidate = m.Groups["candidate"].Value,
                });
        }
        return updates;
    }

    [GeneratedRegex(@"^(?<name>[a-z0-9][a-z0-9+.-]*)/\S+\s+(?<candidate>\S+)\s+\S+\s+\[upgradable from: (?<installed>[^\]\s]+)\]$")]
    private static partial Regex Line();
}
