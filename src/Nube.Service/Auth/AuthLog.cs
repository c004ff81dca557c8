using System.Net;
using Nube.Service.Audit;

namespace Nube.Service.Auth;

/// <summary>
/// One line in nubed's log for every sign-in and every refused credential, in words that never
/// change, for fail2ban (<c>scripts/fail2ban/filter.d/nube.conf</c>): each begins with
/// <see cref="Prefix"/> and ends with <c>from ADDRESS</c>. The user name a client typed is quoted
/// with its quotes, backslashes and control characters replaced, so that no name can end the line
/// early or name another address.
/// </summary>
public static partial class AuthLog
{
    public const string Prefix = "nube-auth:";
    public const string Category = "Nube.Auth";
    private const int MaxUserChars = 64;

    public static ILogger Create(ILoggerFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.CreateLogger(Category);
    }

    public static void SignedIn(this ILogger logger, string user, IPAddress? from) => LogSignedIn(logger, Quote(user), AuditRecords.Address(from));

    public static void SignInFailed(this ILogger logger, string user, IPAddress? from) => LogSignInFailed(logger, Quote(user), AuditRecords.Address(from));

    public static void SignInLimited(this ILogger logger, string? user, IPAddress? from)
    {
        if (user is null)
            LogAddressLimited(logger, AuditRecords.Address(from));
        else
            LogUserLimited(logger, Quote(user), AuditRecords.Address(from));
    }

    /// <summary>A credential refused by the gate; <paramref name="what"/> is one of the fixed words of <see cref="Refusals"/>.</summary>
    public static void Refused(this ILogger logger, string what, IPAddress? from)
    {
        if (what == Refusals.NoCredential)
            LogNoCredential(logger, AuditRecords.Address(from));
        else
            LogRefused(logger, what, AuditRecords.Address(from));
    }

    /// <summary>The user name as the log shows it: in double quotes, at most 64 characters, nothing that could end the quotes or the line.</summary>
    public static string Quote(string user)
    {
        var safe = AuditRecords.Bound(user ?? "", MaxUserChars).Replace('"', '?').Replace('\\', '?');
        return $"\"{safe}\"";
    }

    /// <summary>The words of <see cref="Refused"/>: what the gate refused.</summary>
    public static class Refusals
    {
        public const string BadBearerToken = "bad bearer token";
        public const string EndedSession = "ended session";
        public const string CrossOrigin = "cross-origin WebSocket";
        public const string MissingCsrf = "change without CSRF token";
        /// <summary>No credential at all: a browser before its sign-in; logged at debug level only.</summary>
        public const string NoCredential = "request without credential";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = Prefix + " signed in user {User} from {Address}")]
    private static partial void LogSignedIn(ILogger logger, string user, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = Prefix + " sign-in failed for user {User} from {Address}")]
    private static partial void LogSignInFailed(ILogger logger, string user, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = Prefix + " sign-in refused (too many attempts) for user {User} from {Address}")]
    private static partial void LogUserLimited(ILogger logger, string user, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = Prefix + " sign-in refused (too many attempts) from {Address}")]
    private static partial void LogAddressLimited(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = Prefix + " refused {What} from {Address}")]
    private static partial void LogRefused(ILogger logger, string what, string address);

    [LoggerMessage(Level = LogLevel.Debug, Message = Prefix + " refused request without credential from {Address}")]
    private static partial void LogNoCredential(ILogger logger, string address);
}
