namespace Nube.Core.Validation;

/// <summary>A new API token: its label, its lifetime and the user it acts as.</summary>
public static class TokenRules
{
    public const int MaxNameLength = 64;
    /// <summary>Ten years: a token for a script that should outlive its author is still bounded.</summary>
    public const int MaxExpiresInDays = 3650;

    private const string NameNeed = "a token name needs 1 to 64 printable characters";

    public static IReadOnlyList<ValidationError> Check(string name, int? expiresInDays, string? userName, IEnumerable<string> userNames)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(userNames);
        var errors = new List<ValidationError>();
        var quoted = Quoting.Quote(name);
        if (name.Length == 0)
            errors.Add(new("name", name, $"name: {quoted} is empty; {NameNeed}"));
        else if (name.Length > MaxNameLength)
            errors.Add(new("name", name, $"name: {quoted} has {name.Length} characters; {NameNeed}"));
        if (name.Any(char.IsControl))
            errors.Add(new("name", name, $"name: {quoted} contains a control character; {NameNeed}"));
        if (expiresInDays is { } days && days is < 1 or > MaxExpiresInDays)
            errors.Add(Messages.Outside("expiresInDays", days, "days", 1, MaxExpiresInDays));
        if (userName is null)
            errors.Add(Messages.Missing("userName", "name the user the token acts as (the UNIX socket and the token file act for no user)"));
        else if (!userNames.Contains(userName, StringComparer.Ordinal))
            errors.Add(new("userName", userName, $"userName: {Quoting.Quote(userName)} is not a user"));
        return errors;
    }
}
