using System.Buffers;

namespace Nube.Core.Validation;

/// <summary>
/// User names and passwords of the web console and the API. A name is what people type at the
/// sign-in page and what a token acts as, so it follows the shape of Linux user names
/// (useradd's default): lowercase letters, digits, '_', '.', '-', beginning with a letter or '_'.
/// A password is never quoted in a message, only its length.
/// </summary>
public static class UserRules
{
    public const int MaxNameLength = 32;
    public const int MinPasswordLength = 8;
    /// <summary>A bound on the work a sign-in asks of the password hash, not a strength rule.</summary>
    public const int MaxPasswordLength = 1024;

    private static readonly SearchValues<char> NameCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_.-");
    private const string NameNeed = "a user name needs 1 to 32 characters";
    private const string NameShape = "a user name has lowercase letters, digits, '_', '.' and '-', and begins with a letter or '_'";

    /// <summary>Every problem with a new user: its name (also against the users there are) and its password.</summary>
    public static IReadOnlyList<ValidationError> CheckNew(string name, string password, IEnumerable<string> existingNames)
    {
        ArgumentNullException.ThrowIfNull(existingNames);
        var errors = new List<ValidationError>();
        CheckName("name", name, errors);
        if (existingNames.Contains(name, StringComparer.Ordinal))
            errors.Add(new("name", name, $"name: {Quoting.Quote(name)} is already a user"));
        CheckPassword("password", password, errors);
        return errors;
    }

    public static void CheckName(string field, string name, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(errors);
        var quoted = Quoting.Quote(name);
        if (name.Length == 0)
        {
            errors.Add(new(field, name, $"{field}: {quoted} is empty; {NameNeed}"));
            return;
        }
        if (name.Length > MaxNameLength)
            errors.Add(new(field, name, $"{field}: {quoted} has {name.Length} characters; {NameNeed}"));
        var bad = name.AsSpan().IndexOfAnyExcept(NameCharacters);
        if (bad >= 0)
            errors.Add(new(field, name, $"{field}: {quoted} contains {Quoting.Quote(name[bad..(bad + 1)])}; {NameShape}"));
        else if (name[0] is '.' or '-' or (>= '0' and <= '9'))
            errors.Add(new(field, name, $"{field}: {quoted} begins with {Quoting.Quote(name[..1])}; {NameShape}"));
    }

    public static void CheckPassword(string field, string password, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(errors);
        var length = password.Length == 1 ? "1 character" : $"{password.Length} characters";
        if (password.Length is < MinPasswordLength or > MaxPasswordLength)
            errors.Add(new(field, length, $"{field}: has {length}; a password needs {MinPasswordLength} to {MaxPasswordLength} characters"));
        var at = Array.FindIndex(password.ToCharArray(), char.IsControl);
        if (at >= 0)
            errors.Add(new(field, length, $"{field}: has a control character at position {at + 1}; a password is text on one line"));
    }
}
