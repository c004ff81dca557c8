using System.ComponentModel;
using Nube.Linux.Processes;
using Nube.Contracts;
using Nube.Contracts.HostSystem;
using Nube.Service.HostSystem;
using Nube.Service.Jobs;

namespace Nube.Service.Api;

/// <summary>
/// The host machine's own settings under <c>/api/v1/host/system</c>, for <c>nube sconfig</c>: host name,
/// network, time zone, the menu at login, Debian updates, restart and shut-down.
/// </summary>
public static class HostSystemEndpoints
{
    public static IServiceCollection AddHostSystem(this IServiceCollection services)
    {
        services.AddSingleton(new HostSystemPaths());
        services.AddSingleton<IHostCommands, ProcessHostCommands>();
        services.AddSingleton<HostNames>();
        services.AddSingleton<NetworkProbe>();
        services.AddSingleton<HostClock>();
        services.AddSingleton<LoginMenu>();
        services.AddSingleton<HostSystemService>();
        services.AddSingleton(sp => new HostJobs(sp.GetRequiredService<JobBook>(), ToProblem, sp.GetRequiredService<ILogger<HostJobs>>()));
        services.AddSingleton<PackageUpdates>();
        services.AddSingleton<IVmStopActions, RegistryStopActions>();
        services.AddSingleton<IPowerSwitch, SystemPowerSwitch>();
        services.AddSingleton<HostPower>();
        return services;
    }

    public static void MapHostSystemEndpoints(this IEndpointRouteBuilder app)
    {
        var system = app.MapGroup("/api/v1/host/system").WithTags("Host system")
            .Problems(StatusCodes.Status409Conflict, StatusCodes.Status502BadGateway).AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception e) when (e is HostCommandException or HostSystemConflictException)
            {
                var problem = ToProblem(e);
                return TypedResults.Json(problem, ContractsJson.Default.ApiProblem, "application/problem+json", problem.Status);
            }
        });
        system.MapGet("/", (HostSystemService host, CancellationToken ct) => host.GetAsync(ct))
            .Describe("GetHostSystem", "Show the host machine's settings", "Host name, network interfaces, time zone and clock, the menu at login.");
        system.MapPatch("/", async (HttpContext http, HostSystemService host, CancellationToken ct) =>
            await host.ChangeAsync(await JsonBody.ReadAsync<HostSystemSettings>(http), ct))
            .Describe("ChangeHostSystem", "Change the host machine's settings", "Changes the settings given and keeps the rest.")
            .Reads<HostSystemSettings>();
        system.MapGet("/updates", (PackageUpdates updates, CancellationToken ct) => updates.GetAsync(ct))
            .Describe("GetHostUpdates", "Show the host's Debian updates", "The updates of the packages Nube uses, as of the last check.");
        system.MapPost("/updates/check", ([Description(ApiDescription.Wait)] double? wait, PackageUpdates updates, HttpContext http,
            CancellationToken ct) => JobEndpoints.AnswerAsync(updates.Check(), wait, http, ct))
            .Describe("CheckHostUpdates", "Check for Debian updates", "Refreshes the package lists (apt-get update), as a job.").AnswersJob();
        system.MapPost("/updates/apply", ([Description(ApiDescription.Wait)] double? wait, PackageUpdates updates, HttpContext http,
            CancellationToken ct) => JobEndpoints.AnswerAsync(updates.Apply(), wait, http, ct))
            .Describe("ApplyHostUpdates", "Install the Debian updates", "Installs the updates of the packages Nube uses (apt-get install --only-upgrade), as a job.").AnswersJob();
        // Not bound to the request: once the stop actions begin, the host goes down or says why not.
        system.MapPost("/power", async (HttpContext http, HostPower power) =>
            await power.RunAsync(await JsonBody.ReadAsync<PowerRequest>(http), CancellationToken.None))
            .Describe("SwitchHostPower", "Restart or shut down the host", "Applies the VMs' stop actions, then restarts or powers off the machine.")
            .Reads<PowerRequest>();
    }

    /// <summary>The host system's own errors as problems; everything else as the rest of the API has it.</summary>
    public static ApiProblem ToProblem(Exception e) => e switch
    {
        HostCommandException c => new ApiProblem { Status = StatusCodes.Status502BadGateway, Title = "A host command failed", Detail = c.Message },
        HostSystemConflictException => new ApiProblem { Status = StatusCodes.Status409Conflict, Title = "The host's state does not allow this", Detail = e.Message },
        _ => ProblemMapper.ToProblem(e),
    };
}
