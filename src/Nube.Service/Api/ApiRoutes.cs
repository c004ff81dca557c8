using Nube.Contracts;

namespace Nube.Service.Api;

/// <summary>
/// Every route of the API, in one place, so that a test can list them all (with their methods)
/// and check each against the authentication rules, and the OpenAPI document against them.
/// </summary>
public static class ApiRoutes
{
    /// <summary>The paths the API answers (authenticated as it is): <c>/api/</c>, and Prometheus's <c>/metrics</c>.</summary>
    public static bool Owns(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(MeteringEndpoints.MetricsPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>A path of the API that no route matches answers a problem saying so (routing alone answers an empty 404).</summary>
    public static IApplicationBuilder UseUnknownRouteProblems(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint() is null && Owns(http.Request.Path))
        {
            await ProblemMapper.WriteAsync(http, new ApiProblem
            {
                Status = StatusCodes.Status404NotFound, Title = "Not found",
                Detail = $"The API has no route {http.Request.Method} {http.Request.Path}; /api/v1/openapi.json lists every route.",
            }, http.RequestAborted);
            return;
        }
        await next(http);
    });

    public static void MapApiRoutes(this IEndpointRouteBuilder routes)
    {
        // Every route may be refused by the gate: 401 without credentials, 403 for a change without its CSRF token.
        var app = routes.MapGroup("").Problems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        app.MapHostEndpoints();
        app.MapVmEndpoints();
        app.MapMeteringEndpoints();
        app.MapJobEndpoints();
        app.MapEventEndpoints();
        app.MapKvpEndpoints();
        app.MapFileCopyEndpoints();
        app.MapIntegrationEndpoints();
        app.MapCheckpointEndpoints();
        app.MapSessionEndpoints();
        app.MapUserEndpoints();
        app.MapTokenEndpoints();
        app.MapHostSystemEndpoints();
        app.MapAuditEndpoints();
        app.MapDiskEndpoints();
        app.MapIsoEndpoints();
        app.MapSwitchEndpoints();
        app.MapPeerEndpoints();
        app.MapMigrationEndpoints();
        app.MapDriveEndpoints();
    }
}
