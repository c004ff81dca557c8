using System.Globalization;
using System.Net.Http;
using Nube.Contracts.Client;

namespace Nube.Cli.Sconfig;

/// <summary>The menu's words and its 80-column layout.</summary>
internal static class MenuText
{
    public const int Width = 80;

    /// <summary>Several lines (a problem listing every invalid field) as one.</summary>
    public static string OneLine(string text) =>
        string.Join("; ", text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>At most <paramref name="width"/> characters, cut with "..." when longer.</summary>
    public static string Fit(string text, int width) => text.Length <= width ? text : text[..(width - 3)] + "...";

    /// <summary>Cells padded to their widths (the last one cut to what is left of the line).</summary>
    public static string Row(params (string Text, int Width)[] cells)
    {
        var line = string.Concat(cells[..^1].Select(c => Fit(c.Text, c.Width - 1).PadRight(c.Width)));
        return (line + Fit(cells[^1].Text, Math.Max(4, Width - 1 - line.Length))).TrimEnd();
    }

    /// <summary>The line an item's failure leaves above the prompt.</summary>
    public static string Error(Exception e) => e switch
    {
        NubeApiException api => $"error: {OneLine(api.Message)}",
        HttpRequestException http => $"error: cannot reach the host service ({http.Message})",
        _ => $"error: {OneLine(e.Message)}",
    };

    public static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n.ToString(CultureInfo.InvariantCulture)} {many}";

    public static string When(DateTimeOffset? at) =>
        at is { } t ? t.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "never";

    public static string OnOff(bool on) => on ? "On" : "Off";
}
