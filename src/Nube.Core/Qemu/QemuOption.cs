namespace Nube.Core.Qemu;

/// <summary>QEMU's <c>key=value,key=value</c> option syntax.</summary>
internal static class QemuOption
{
    /// <summary>
    /// A user's value inside an option list: QEMU reads ",," as a literal comma, so a path with
    /// commas would otherwise be cut into bogus keys.
    /// </summary>
    public static string Escape(string value) => value.Replace(",", ",,", StringComparison.Ordinal);
}
