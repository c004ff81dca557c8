using Nube.Core.Validation;

namespace Nube.Service.HostSystem;

/// <summary>
/// A host name as RFC 1123 has it: labels of ASCII letters, digits and hyphens, 1 to 63 characters
/// each, neither beginning nor ending with a hyphen, separated by dots, at most 253 characters in all.
/// </summary>
public static class HostNameRules
{
    public const string Field = "hostName";
    public const int MaxLength = 253;
    public const int MaxLabelLength = 63;

    public static List<ValidationError> Check(string name)
    {
        var errors = new List<ValidationError>();
        var quoted = Shown.Quote(name);
        if (name.Length == 0)
        {
            errors.Add(new(Field, name, $"{Field}: {quoted} is empty; a host name needs 1 to {MaxLength} characters"));
            return errors;
        }
        if (name.Length > MaxLength)
            errors.Add(new(Field, name, $"{Field}: {quoted} has {name.Length} characters, over the limit of {MaxLength}"));
        var wrong = name.Where(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.')).Distinct().Select(c => Shown.Quote(c.ToString())).ToList();
        if (wrong.Count > 0)
            errors.Add(new(Field, name, $"{Field}: {quoted} contains {And(wrong)}; a host name may hold only letters, digits, hyphens and dots"));
        var labels = name.Split('.');
        if (labels.Any(l => l.Length == 0))
            errors.Add(new(Field, name, $"{Field}: {quoted} has an empty label; each label between dots needs 1 to {MaxLabelLength} characters"));
        foreach (var label in labels.Where(l => l.Length > MaxLabelLength))
            errors.Add(new(Field, name, $"{Field}: the label {Shown.Quote(label)} has {label.Length} characters, over the limit of {MaxLabelLength}"));
        foreach (var label in labels.Where(l => l.StartsWith('-') || l.EndsWith('-')))
            errors.Add(new(Field, name, $"{Field}: the label {Shown.Quote(label)} begins or ends with a hyphen, which a host name may not"));
        return errors;
    }

    private static string And(List<string> items) =>
        items.Count == 1 ? items[0] : $"{string.Join(", ", items[..^1])} and {items[^1]}";
}
