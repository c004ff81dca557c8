using Nube.Service.Jobs;

namespace Nube.Service.Audit;

/// <summary>
/// What the audit trail learns of a request while it is handled, beyond what the request itself
/// shows: the user name a sign-in tried, the problem a refusal answered, the job it started.
/// Endpoints reach it with <see cref="Of"/>; it is absent on requests that are not audited.
/// </summary>
public sealed class AuditFacts(JobOrigin origin)
{
    /// <summary>Who asks for the request's jobs; it notes the job the request started.</summary>
    public JobOrigin Origin { get; } = origin;

    /// <summary>The user name a sign-in tried (never its password).</summary>
    public string? SignInUser { get; set; }

    /// <summary>The title of the problem the request was answered with.</summary>
    public string? Problem { get; set; }

    public static AuditFacts? Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Features.Get<AuditFacts>();
    }
}
