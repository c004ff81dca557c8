using System.Collections.Immutable;
using System.Text;
using Nube.Core.Vms;

namespace Nube.Core.Validation;

/// <summary>
/// The limits of data exchange (KVP) pairs, Hyper-V's where the guest allows them. A key is also
/// a file name in the guest, so it is one valid Linux file name: at most 255 bytes (Hyper-V allows
/// 512), no '/', not '.' or '..'. Keys and values are one line of text: no control characters.
/// </summary>
public static class KvpRules
{
    public const int MaxKeyBytes = 255;
    public const int MaxValueBytes = 2048;
    /// <summary>Pairs per direction: the host keeps at most this many, and reads at most this many from the guest.</summary>
    public const int MaxItems = 128;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Every problem with a key, as the user typed it in <paramref name="field"/>.</summary>
    public static void CheckKey(string field, string? key, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(key))
        {
            errors.Add(Messages.Missing(field, "give the pair's key"));
            return;
        }
        var shown = Quoting.Quote(key);
        if (ByteCount(key) is not { } bytes)
            errors.Add(new(field, key, $"{field}: {shown} is not valid Unicode text"));
        else if (bytes > MaxKeyBytes)
            errors.Add(new(field, key, $"{field}: {bytes} bytes exceed the limit of {MaxKeyBytes} bytes (UTF-8); " +
                "a key is a file name in the guest, and Linux file names are at most 255 bytes (Hyper-V allows 512)"));
        if (key.Contains('/'))
            errors.Add(new(field, key, $"{field}: {shown} contains '/'; a key is a file name in the guest"));
        if (key is "." or "..")
            errors.Add(new(field, key, $"{field}: {shown} is not a file name; a key is a file name in the guest"));
        if (FirstControl(key) is { } c)
            errors.Add(new(field, key, $"{field}: {shown} contains a control character (U+{(int)c:X4}); keys are text on one line"));
    }

    /// <summary>Every problem with a value given for <paramref name="field"/>.</summary>
    public static void CheckValue(string field, string? value, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            errors.Add(Messages.Missing(field, "give the pair's value (it may be empty)"));
            return;
        }
        if (ByteCount(value) is not { } bytes)
            errors.Add(new(field, value, $"{field}: the value is not valid Unicode text"));
        else if (bytes > MaxValueBytes)
            errors.Add(new(field, $"{bytes} bytes", $"{field}: {bytes} bytes exceed the limit of {MaxValueBytes} bytes (UTF-8)"));
        if (FirstControl(value) is { } c)
            errors.Add(new(field, Quoting.Escape(value), $"{field}: contains a control character (U+{(int)c:X4}) at position " +
                $"{value.IndexOf(c, StringComparison.Ordinal) + 1}; values are text on one line"));
    }

    /// <summary>The host's pairs of a VM: each key and value, no key twice, at most <see cref="MaxItems"/>.</summary>
    public static void Check(ImmutableArray<KvpHostItem> items, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (items.IsDefault)
            return;
        const string field = "kvpHostItems";
        if (items.Length > MaxItems)
            errors.Add(new(field, Messages.Text(items.Length), $"{field}: {items.Length} pairs exceed the limit of {MaxItems} pairs per VM"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Length; i++)
        {
            CheckKey($"{field}[{i}].key", items[i].Key, errors);
            CheckValue($"{field}[{i}].value", items[i].Value, errors);
            if (items[i].Key is { } key && !seen.Add(key))
                errors.Add(new($"{field}[{i}].key", key, $"{field}[{i}].key: {Quoting.Quote(key)} appears more than once"));
        }
    }

    /// <summary>The text's length in UTF-8, or null when it holds a lone surrogate, which UTF-8 cannot carry.</summary>
    public static int? ByteCount(string text)
    {
        try
        {
            return Strict.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }

    private static char? FirstControl(string text)
    {
        foreach (var c in text)
            if (char.IsControl(c))
                return c;
        return null;
    }
}
