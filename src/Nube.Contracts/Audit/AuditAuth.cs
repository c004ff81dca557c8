namespace Nube.Contracts.Audit;

/// <summary>The words of <see cref="AuditRecord.Auth"/>.</summary>
public static class AuditAuth
{
    public const string Socket = "socket";
    public const string Session = "session";
    public const string Token = "token";
    public const string LegacyToken = "legacy-token";
    /// <summary>A sign-in: a user name and a password.</summary>
    public const string Password = "password";
    /// <summary>No credential that passed.</summary>
    public const string None = "none";
}
