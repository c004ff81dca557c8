using System.Globalization;
using Nube.Core.Validation;

namespace Nube.Core.Disks;

/// <summary>
/// Disk sizes as people write them: bytes, or a whole number with KiB, MiB, GiB or TiB (1024-based,
/// as qemu-img and Hyper-V count). Decimal units (GB) are refused rather than guessed at.
/// </summary>
public static class DiskSize
{
    private static readonly (string Unit, long Bytes)[] Units =
    [
        ("TiB", 1L << 40), ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("B", 1),
    ];

    /// <summary>The size in bytes, or an error naming the field and the forms accepted.</summary>
    public static long? Parse(string field, string? text, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new(field, text ?? "", $"{field}: missing; give a size such as 20GiB, 512MiB or a number of bytes"));
            return null;
        }
        var trimmed = text.Trim();
        var (unit, factor) = Units.FirstOrDefault(u => trimmed.EndsWith(u.Unit, StringComparison.OrdinalIgnoreCase));
        var number = unit is null ? trimmed : trimmed[..^unit.Length].TrimEnd();
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            errors.Add(new(field, text, $"{field}: {Quoting.Quote(text)} is not a size; write a whole number of bytes or of KiB, MiB, GiB or TiB (20GiB)"));
            return null;
        }
        factor = unit is null ? 1 : factor;
        if (count > long.MaxValue / factor)
        {
            errors.Add(new(field, text, $"{field}: {Quoting.Quote(text)} is larger than any disk"));
            return null;
        }
        return count * factor;
    }

    /// <summary>
    /// The size in the largest unit it reaches, or the next smaller one when that one divides it
    /// (2040 GiB rather than 1.99 TiB), else with two decimals (for messages and tables).
    /// </summary>
    public static string Format(long bytes)
    {
        var reached = Array.FindIndex(Units, u => bytes >= u.Bytes);
        if (reached < 0)
            return $"{bytes.ToString(CultureInfo.InvariantCulture)} B";
        foreach (var (unit, factor) in Units.Skip(reached).Take(2))
            if (bytes % factor == 0)
                return $"{(bytes / factor).ToString(CultureInfo.InvariantCulture)} {unit}";
        return $"{(bytes / (double)Units[reached].Bytes).ToString("0.00", CultureInfo.InvariantCulture)} {Units[reached].Unit}";
    }
}
