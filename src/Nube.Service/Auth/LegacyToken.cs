using System.Security.Cryptography;
using System.Text;

namespace Nube.Service.Auth;

/// <summary>
/// The bearer token of nubed's <c>--token-file</c>, from before users and API tokens: scripts that
/// send it keep working. It acts for no user, as root on the UNIX socket does.
/// </summary>
public sealed class LegacyToken(byte[]? secret)
{
    public static readonly LegacyToken None = new(null);

    /// <summary>Reads the token file (its text, trimmed); none when no file is given.</summary>
    public static LegacyToken Read(string? tokenFile)
    {
        if (tokenFile is null)
            return None;
        string text;
        try
        {
            text = File.ReadAllText(tokenFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--token-file {tokenFile} cannot be read ({e.Message})", e);
        }
        if (text.Length == 0)
            throw new IOException($"--token-file {tokenFile} is empty");
        return new LegacyToken(Encoding.UTF8.GetBytes(text));
    }

    public bool Matches(string given) =>
        secret is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), secret);
}
