using System.Globalization;
using System.Text.RegularExpressions;
using Nube.Core.Validation;

namespace Nube.Core.Qemu;

/// <summary>
/// QEMU's launch errors in the user's terms. QEMU knows a disk by its block node and by the
/// <c>/dev/fdset/N</c> nubed handed it (<c>-device {..."drive":"disk1"...}: Failed to get
/// "write" lock Is another process using the image [/dev/fdset/6]?</c>); the user knows it by
/// its field and its file.
/// </summary>
public static partial class LaunchErrors
{
    public static string Explain(string said, LaunchPlan plan)
    {
        var files = plan.Descriptors.Where(d => d.Kind is DescriptorKind.ReadWriteFile or DescriptorKind.ReadOnlyFile)
            .GroupBy(d => d.Fd).ToDictionary(g => g.Key, g => g.First());
        var text = FdSetPath().Replace(said, m =>
            files.TryGetValue(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), out var file) ? file.Target : m.Value);
        var node = NodeName().Match(said);
        if (!node.Success || plan.FileNodes is not { } nodes)
            return text;
        var name = node.Groups[1].Value;
        if (!(nodes.TryGetValue(name, out var set) || nodes.TryGetValue(name + "-file", out set)) || !files.TryGetValue(set, out var disk))
            return text;
        // The echo of the option says nothing that the field does not say better.
        return $"{disk.Field}: {Quoting.Quote(disk.Target)}: {OptionEcho().Replace(text, "")}";
    }

    [GeneratedRegex(@"/dev/fdset/([0-9]{1,9})\b", RegexOptions.CultureInvariant)]
    private static partial Regex FdSetPath();

    /// <summary>A -blockdev's node, or the node a -device attaches (an image's write lock is taken then).</summary>
    [GeneratedRegex("\"(?:node-name|drive)\":\"([^\"]{1,128})\"", RegexOptions.CultureInvariant)]
    private static partial Regex NodeName();

    [GeneratedRegex(@"(qemu-system-x86_64: )?-(blockdev|device) \{[^\n]*?\}: ", RegexOptions.CultureInvariant)]
    private static partial Regex OptionEcho();
}
