using System.Globalization;
using System.Text;

namespace Nube.Qemu.Protocol;

/// <summary>
/// Makes text from the untrusted guest safe to show, log or put in exception messages: at most
/// <see cref="MaxChars"/> characters, and every character that could forge a log line, drive a
/// terminal or make the text read differently from what it is replaced with '?': control
/// characters (C0, DEL, C1, so ESC too), format characters (bidi overrides and isolates,
/// zero-width characters, tag characters), line and paragraph separators, and lone surrogates.
/// </summary>
public static class GuestText
{
    public const int MaxChars = 512;

    public static string Sanitize(string? text) => Sanitize(text, MaxChars);

    /// <summary>The same, for text whose own limit is not <see cref="MaxChars"/> (a key-value pair's value).</summary>
    public static string Sanitize(string? text, int maxChars)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var builder = new StringBuilder(Math.Min(text.Length, maxChars + 1));
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var status = Rune.DecodeFromUtf16(rest, out var rune, out var used);
            // A pair that would straddle the bound is left out whole, not cut in half.
            if (builder.Length + used > maxChars)
                break;
            if (status != System.Buffers.OperationStatus.Done || IsUnsafe(rune))
                builder.Append('?');
            else
                builder.Append(rest[..used]);
            rest = rest[used..];
        }
        if (!rest.IsEmpty)
            builder.Append('…');
        return builder.ToString();
    }

    private static bool IsUnsafe(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
