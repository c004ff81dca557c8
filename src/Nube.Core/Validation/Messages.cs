using System.Globalization;
using Nube.Core.Editions;

namespace Nube.Core.Validation;

/// <summary>
/// The sentence shapes every rule shares, so that all messages read alike:
/// <c>field: value exceeds the limit of N unit of edition 'name'</c>,
/// <c>field: value is outside the things A to B</c>, and so on.
/// </summary>
internal static class Messages
{
    public static ValidationError Exceeds(string field, long value, string limit, Edition edition) =>
        new(field, Text(value), $"{field}: {Text(value)} exceeds the limit of {limit} of edition '{edition.Name}'");

    /// <summary>Too many items in a list: <c>ideDrives: 5 drives exceed the limit of ...</c>.</summary>
    public static ValidationError CountExceeds(string field, int count, string items, string limit, Edition edition) =>
        new(field, Text(count), $"{field}: {count} {items} exceed the limit of {limit} of edition '{edition.Name}'");

    public static ValidationError Outside(string field, long value, string things, long first, long last, Edition? edition = null) =>
        new(field, Text(value), $"{field}: {Text(value)} is outside the {things} {first} to {last}" +
            (edition is null ? "" : $" of edition '{edition.Name}'"));

    public static ValidationError BelowMinimum(string field, long value, string minimum) =>
        new(field, Text(value), $"{field}: {Text(value)} is below the minimum of {minimum}");

    public static ValidationError Missing(string field, string need) =>
        new(field, "", $"{field}: missing; {need}");

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
