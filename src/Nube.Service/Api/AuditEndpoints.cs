using Nube.Contracts.Audit;
using Nube.Service.Audit;

namespace Nube.Service.Api;

/// <summary>
/// The audit trail: <c>GET /api/v1/audit</c>, newest first. Every user is an administrator of the
/// host, so every caller the gate lets through may read it; reading it is not itself recorded.
/// </summary>
public static class AuditEndpoints
{
    public static void AddAudit(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton(sp => new AuditLog(dataDirectory, sp.GetRequiredService<ILogger<AuditLog>>()));
        // A hosted service so that the records still queued are written at shutdown, after the server's last answer.
        services.AddHostedService(sp => sp.GetRequiredService<AuditLog>());
    }

    public static void MapAuditEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/audit", (DateTimeOffset? since, DateTimeOffset? until, string? user, string? vm, int? limit, AuditLog log) =>
            TypedResults.Ok<IReadOnlyList<AuditRecord>>(log.Read(AuditQuery.Create(since, until, user, vm, limit))))
            .WithTags("Audit").Problems(StatusCodes.Status400BadRequest)
            .Describe("ListAudit", "Read the audit trail",
                "Every state-changing request and every console or VNC session, with who, how, from where, the route, the VM and the outcome, " +
                "newest first: those from since to until, of the user (root for the socket) and VM given, at most limit (default 100, at most 1000).");
}
