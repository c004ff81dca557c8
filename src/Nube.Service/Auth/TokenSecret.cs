using System.Security.Cryptography;
using System.Text;

namespace Nube.Service.Auth;

/// <summary>
/// The secret of an API token: <c>nube_&lt;id&gt;_&lt;random&gt;</c>, 32 random bytes in base64url.
/// The id in front lets the host find the token without comparing against every hash, and lets a
/// secret scanner recognise a leaked one; only the SHA-256 of the whole secret is kept, which
/// suffices for 256 random bits (no password-style slow hash is needed).
/// </summary>
public static class TokenSecret
{
    public const string Prefix = "nube_";
    private const int IdBytes = 6;
    private const int RandomBytes = 32;
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>A new id: 12 lowercase hex digits, what <c>nube token revoke</c> takes.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));

    public static string Make(string id) => $"{Prefix}{id}_{Base64Url(RandomNumberGenerator.GetBytes(RandomBytes))}";

    /// <summary>The id in a secret, or null when the text is not shaped as one.</summary>
    public static string? IdOf(string secret)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        var rest = secret.AsSpan(Prefix.Length);
        var end = rest.IndexOf('_');
        if (end != IdBytes * 2 || rest[..end].IndexOfAnyExcept(HexDigits) >= 0 || rest.Length == end + 1)
            return null;
        return rest[..end].ToString();
    }

    /// <summary>What is stored instead of the secret: SHA-256, lowercase hex.</summary>
    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashOf(secret)), Encoding.ASCII.GetBytes(storedHash));

    /// <summary>Base64url without padding (RFC 4648 §5): safe in a header, a cookie and a shell.</summary>
    public static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
