using System.Globalization;

namespace Nube.Qemu.Protocol;

/// <summary>Formats a timeout for messages: "10 s", "0.25 s".</summary>
internal static class Seconds
{
    public static string Format(TimeSpan duration) =>
        duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
