using System.ComponentModel;
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
        app.MapGet("/api/v1/vms/{vm}/measure", (string vm,
                [Description("Add the last half hour's rates, one point per sampling (every 5 s).")] bool? history,
                VmRegistry r, MeteringService metering, CancellationToken ct) =>
            metering.MeasureAsync(r.Resolve(vm), history ?? false, ct))
            .Produces<VmMeasurement>().Problems(StatusCodes.Status404NotFound).WithTags("Metering")
            .Describe("MeasureVm", "Measure a VM's resource use",
                "Processor time and use, memory, disk and network counters since the VM's QEMU started (Hyper-V's Measure-VM), read now; " +
                "every figure is null while the VM does not run. A user-mode adapter's counters are the guest agent's report (source guest).");
        app.MapGet(MetricsPath, async (HttpContext http, MetricsExporter exporter, CancellationToken ct) =>
        {
            http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await exporter.WriteAsync(http.Response.Body, ct);
        }).Answers(StatusCodes.Status200OK, typeof(string), "text/plain", "Prometheus's text exposition format.").WithTags("Metering")
            .Describe("GetMetrics", "Every running VM's counters for Prometheus",
                "nube_vm_* counters and gauges per running VM (labels vm_id and vm), as of the last sampling, and nube_vms by state.");
    }
}
