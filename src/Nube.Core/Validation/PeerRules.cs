using System.Text.RegularExpressions;
using Nube.Core.Hosts;
using Nube.Core.Serialization;

namespace Nube.Core.Validation;

/// <summary>What a peer host must be before this host trusts it: a name of its own, an https address, a whole fingerprint and a plausible token.</summary>
public static partial class PeerRules
{
    public const int MaxNameLength = 63;
    public const int MaxTokenLength = 512;
    /// <summary>SHA-256: 32 bytes.</summary>
    public const int FingerprintHexDigits = 64;

    public static IReadOnlyList<ValidationError> Validate(string? name, string? url, string? fingerprint, string? token, IEnumerable<HostPeer> existing)
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrEmpty(name))
            errors.Add(Messages.Missing("name", "a name for the peer (letters, digits, '.' and '-', such as host2)"));
        else if (name.Length > MaxNameLength || !NameRegex().IsMatch(name))
            errors.Add(new("name", name, $"name: {Quoting.Quote(name)} is not a peer name: 1 to {MaxNameLength} letters, digits, '.' and '-', starting with a letter or digit"));
        else if (existing.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { } taken)
            errors.Add(new("name", name, $"name: {Quoting.Quote(name)} is already the peer at {taken.Url}; remove it first to add it again"));
        if (string.IsNullOrEmpty(url))
            errors.Add(Messages.Missing("url", "the peer's API address, https://HOST:PORT/ (its 'nube host info' shows it)"));
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps || parsed.UserInfo.Length > 0
                 || parsed.Query.Length > 0 || parsed.Fragment.Length > 0 || parsed.AbsolutePath != "/")
            errors.Add(new("url", url, $"url: {Quoting.Quote(url)} is not a peer's API address, https://HOST:PORT/ (hosts trust each other over TLS only)"));
        if (string.IsNullOrEmpty(fingerprint))
            errors.Add(Messages.Missing("fingerprint", "the SHA-256 fingerprint of the peer's certificate, as its 'nube host info' shows it"));
        else if (Fingerprint(fingerprint).Length != FingerprintHexDigits || fingerprint.Any(c => !char.IsAsciiHexDigit(c) && c is not (':' or ' ')))
            errors.Add(new("fingerprint", fingerprint, $"fingerprint: {Quoting.Quote(fingerprint)} is not a SHA-256 fingerprint: {FingerprintHexDigits} hex digits, colons allowed"));
        if (string.IsNullOrEmpty(token))
            errors.Add(Messages.Missing("token", "an API token of the peer ('nube token new' there)"));
        else if (token.Length > MaxTokenLength || token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            errors.Add(new("token", "(hidden)", $"token: not an API token: at most {MaxTokenLength} characters, without spaces or control characters"));
        if (existing.FirstOrDefault(p => fingerprint is not null && p.Fingerprint == Fingerprint(fingerprint)) is { } same)
            errors.Add(new("fingerprint", fingerprint!, $"fingerprint: the peer '{same.Name}' already has this certificate: it is that host"));
        return errors;
    }

    /// <summary>Uppercase hex without separators, however it was written.</summary>
    public static string Fingerprint(string text) => string.Concat(text.Where(char.IsAsciiHexDigit)).ToUpperInvariant();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.-]*$")]
    private static partial Regex NameRegex();
}
