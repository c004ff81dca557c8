using Nube.Contracts.Vms;
using Nube.Service.Vms;
using Nube.Service.Vms.Metering;

namespace Nube.Service.Api;

/// <summary>Resource metering: one VM's figures (<c>nube vm measure</c>), and every VM's for Prometheus.</summary>
public static class MeteringEndpoints
{
    /// <summary>Where Prometheus scrapes; authenticated as the API is (see AuthGate).</summary>
    public const string MetricsPath = "/metrics";

    public static void MapMeteringEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/vms/{vm}/measure", (string vm, bool? history, VmRegistry r, MeteringService metering, CancellationToken ct) =>
            metering.MeasureAsync(r.Resolve(vm), history ?? false, ct))
            .Produces<VmMeasurement>();
        app.MapGet(MetricsPath, async (HttpContext http, MetricsExporter exporter, CancellationToken ct) =>
        {
            http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await exporter.WriteAsync(http.Response.Body, ct);
        });
    }
}
