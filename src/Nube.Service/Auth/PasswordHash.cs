using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nube.Service.Auth;

/// <summary>
/// Passwords kept as PBKDF2-HMAC-SHA256 with a random salt, in a string that names its own
/// algorithm and cost: <c>pbkdf2-sha256$600000$&lt;salt&gt;$&lt;hash&gt;</c> (base64). 600 000
/// iterations is OWASP's current advice for this algorithm; a stored hash keeps the cost it was
/// made with, so raising the default later does not lock anyone out.
/// </summary>
public static class PasswordHash
{
    public const string Algorithm = "pbkdf2-sha256";
    public const int DefaultIterations = 600_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, iterations, HashBytes);
        return string.Join('$', Algorithm, iterations.ToString(CultureInfo.InvariantCulture),
            Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>
    /// Whether <paramref name="password"/> is the one <paramref name="stored"/> was made from; in
    /// time that does not depend on where the two differ. A malformed hash matches nothing.
    /// </summary>
    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Algorithm
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
            return false;
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        if (expected.Length == 0)
            return false;
        return CryptographicOperations.FixedTimeEquals(Derive(password, salt, iterations, expected.Length), expected);
    }

    private static byte[] Derive(string password, byte[] salt, int iterations, int length) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, length);
}
