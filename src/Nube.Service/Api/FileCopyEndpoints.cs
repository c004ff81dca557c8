using System.ComponentModel;
using Nube.Contracts.Vms;
using Nube.Core.Validation;
using Nube.Service.Vms;
using Nube.Service.Vms.Integration;

namespace Nube.Service.Api;

public static class FileCopyEndpoints
{
    /// <summary><c>POST /api/v1/vms/{vm}/copy-file</c>: a copy-file job, answered as every job is (202, or its end within ?wait).</summary>
    public static void MapFileCopyEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/vms/{vm}/copy-file", async (string vm, [Description(ApiDescription.Wait)] double? wait, VmRegistry r, VmServices services,
            HttpContext http, CancellationToken ct) =>
        {
            var body = await JsonBody.ReadAsync<FileCopyRequest>(http);
            var roots = StorageRootRules.Roots(services.Options.DataDir, services.Host.Config);
            var job = FileCopyOperation.Start(r.Resolve(vm), body, roots, services.Options.DataDir);
            return await JobEndpoints.AnswerAsync(job, wait, http, ct);
        }).WithTags("Integration services").Describe("CopyFile", "Copy a file into a VM",
            "Copies a file from the host's storage roots into the running guest, through its guest services, as a job.")
            .Reads<FileCopyRequest>().AnswersJob();
}
