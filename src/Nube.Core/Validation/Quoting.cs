using System.Text;

namespace Nube.Core.Validation;

/// <summary>
/// Quotes a user's text for a message. Control characters are spelled out (\u000A) so that a
/// message stays on one line and shows what was actually typed.
/// </summary>
public static class Quoting
{
    public static string Quote(string text) => $"'{Escape(text)}'";

    /// <summary>The text with its control characters spelled out, without quotes.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
            escaped.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c);
        return escaped.ToString();
    }
}
