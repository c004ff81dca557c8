namespace Nube.Service.Api;

/// <summary>
/// Every route of the API, in one place, so that a test can list them all (with their methods)
/// and check each against the authentication rules.
/// </summary>
public static class ApiRoutes
{
    public static void MapApiRoutes(this IEndpointRouteBuilder app)
    {
        app.MapHostEndpoints();
        app.MapVmEndpoints();
        app.MapJobEndpoints();
        app.MapEventEndpoints();
        app.MapKvpEndpoints();
        app.MapFileCopyEndpoints();
        app.MapIntegrationEndpoints();
        app.MapSessionEndpoints();
        app.MapUserEndpoints();
        app.MapTokenEndpoints();
        app.MapHostSystemEndpoints();
        app.MapAuditEndpoints();
    }
}
