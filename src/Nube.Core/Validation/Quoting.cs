using System.Text;

namespace Nube.Core.Validation;

/// <summary>
/// Quotes a user's text for a message. Control characters are spelled out (\u000A) so that a
/// message stays on one line and shows what was actually typed.
/// </summary>
internal static class Quoting
{
    public static string Quote(string text)
    {
        var quoted = new StringBuilder("'");
        foreach (var c in text)
            quoted.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c);
        return quoted.Append('\'').ToString();
    }
}
