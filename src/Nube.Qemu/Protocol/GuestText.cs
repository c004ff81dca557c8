using System.Text;

namespace Nube.Qemu.Protocol;

/// <summary>
/// Makes text from the untrusted guest safe to put in exception messages and logs: bounded length
/// and no control characters (which could forge log lines or terminal escapes).
/// </summary>
public static class GuestText
{
    public const int MaxChars = 512;

    public static string Sanitize(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, MaxChars + 1));
        foreach (char c in text.AsSpan(0, Math.Min(text.Length, MaxChars)))
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        if (text.Length > MaxChars)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }
}
