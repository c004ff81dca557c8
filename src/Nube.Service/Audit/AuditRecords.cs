using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Nube.Contracts.Audit;
using Nube.Qemu.Protocol;
using Nube.Service.Auth;

namespace Nube.Service.Audit;

/// <summary>
/// How a request reads in the audit: which requests are recorded, who sent them, and the record
/// itself, made from plain values so that tests build records without a server. Every string a
/// client chose (a path, a VM's name, a user name tried) is bounded and has its control characters
/// replaced, so that no record can forge another or drive a terminal that shows it.
/// </summary>
public static class AuditRecords
{
    public const int MaxPathChars = 512;
    public const int MaxNameChars = 160;
    public const string SocketAddress = "socket";
    public const string Nobody = "nobody";

    /// <summary>
    /// A request to the API that changes something: any method but GET, HEAD, OPTIONS and TRACE, and
    /// every WebSocket (a VM's serial console or screen gives control of the VM as surely as a start does).
    /// </summary>
    public static bool Audited(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var method = http.Request.Method;
        var changes = !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));
        // By its header: the WebSocket middleware, which would say so, runs after the audit. (HTTP/2's
        // WebSockets come as CONNECT, a change by the rule above.)
        var webSocket = http.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase);
        return (changes || webSocket)
            && (http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                || RouteOf(http)?.TrimStart('/').StartsWith("api", StringComparison.OrdinalIgnoreCase) == true);
    }

    /// <summary>Who, in words, with how they proved it and the user acted as; <paramref name="signInUser"/> names an anonymous sign-in.</summary>
    public static (string Who, string Auth, string? User) Who(Caller? caller, string? signInUser = null) => caller switch
    {
        { Kind: CallerKind.Socket } => ("root (socket)", AuditAuth.Socket, "root"),
        { Kind: CallerKind.LegacyToken } => ("legacy token", AuditAuth.LegacyToken, null),
        { Kind: CallerKind.ApiToken, Token: { } t } => ($"token {t.Name} ({t.Id}) of {t.UserName}", AuditAuth.Token, t.UserName),
        { Kind: CallerKind.Session, UserName: { } user } => (user, AuditAuth.Session, user),
        { Kind: CallerKind.Anonymous } when signInUser is not null => (signInUser, AuditAuth.Password, signInUser),
        _ => (Nobody, AuditAuth.None, null),
    };

    /// <summary>An address as the audit and the authentication log show it: IPv4 clients of a dual-stack listener as IPv4.</summary>
    public static string Address(IPAddress? address) => address switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } => address.MapToIPv4().ToString(),
        _ => address.ToString(),
    };

    /// <summary>Where the request came from: the client's address, or "socket" for the UNIX socket.</summary>
    public static string From(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Connection.LocalIpAddress is null ? SocketAddress : Address(http.Connection.RemoteIpAddress);
    }

    /// <summary>The template of the route the request matched, if any; a group's own route without the group's trailing '/'.</summary>
    public static string? RouteOf(HttpContext http) =>
        (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { Length: > 1 } raw ? raw.TrimEnd('/') : null;

    /// <summary>The record of one request; <paramref name="problem"/> defaults to the status's own words for an error.</summary>
    public static AuditRecord Build(DateTimeOffset time, (string Who, string Auth, string? User) who, string from, string method,
        string? route, string path, (string? Name, Guid? Id) vm, int status, Guid? jobId, string? problem, TimeSpan duration) => new()
    {
        Time = time.ToUniversalTime(),
        Who = Bound(who.Who, MaxNameChars),
        Auth = who.Auth,
        User = who.User is null ? null : Bound(who.User, MaxNameChars),
        From = from,
        Method = Bound(method, 16),
        Route = Bound(route ?? path, MaxPathChars),
        Path = Bound(path, MaxPathChars),
        Vm = vm.Name is null ? null : Bound(vm.Name, MaxNameChars),
        VmId = vm.Id,
        Status = status,
        JobId = jobId,
        Problem = problem is not null ? Bound(problem, MaxNameChars)
            : status >= 400 ? ReasonPhrases.GetReasonPhrase(status) : null,
        DurationMs = Math.Round(duration.TotalMilliseconds, 1),
    };

    /// <summary>At most <paramref name="max"/> characters, control and format characters as '?'.</summary>
    public static string Bound(string text, int max) => GuestText.Sanitize(text, max);
}
