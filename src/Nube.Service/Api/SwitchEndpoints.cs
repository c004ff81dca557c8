using System.ComponentModel;
using Nube.Contracts.Switches;
using Nube.Linux.Network;
using Nube.Service.Persistence;
using Nube.Service.Switches;

namespace Nube.Service.Api;

/// <summary>The host's virtual switches under <c>/api/v1/switches</c>, each named by its name or id.</summary>
public static class SwitchEndpoints
{
    private const string NameDescription = "The switch's name (any case) or id.";

    public static IServiceCollection AddSwitches(this IServiceCollection services, string dataDirectory, HostIdentity host) =>
        services.AddSingleton(host).AddSingleton(new SwitchStore(dataDirectory)).AddSingleton<SwitchBook>().AddSingleton<IpLinks>().AddSingleton<Uplink>().AddSingleton<PortQueues>()
            .AddSingleton<SwitchNetwork>().AddSingleton<SwitchGateway>().AddSingleton<SwitchService>();

    public static void MapSwitchEndpoints(this IEndpointRouteBuilder app)
    {
        var switches = app.MapGroup("/api/v1/switches").WithTags("Virtual switches");
        switches.MapGet("/", (SwitchService service, CancellationToken ct) => service.ListAsync(ct))
            .Describe("ListSwitches", "List the virtual switches", "Every switch with its bridge's state and the VMs' adapters that name it.");
        switches.MapGet("/{name}", ([Description(NameDescription)] string name, SwitchService service, CancellationToken ct) => service.GetAsync(name, ct))
            .Describe("GetSwitch", "Show a virtual switch")
            .Problems(StatusCodes.Status404NotFound);
        switches.MapPost("/", async (HttpContext http, SwitchService service, CancellationToken ct) =>
        {
            var made = await service.CreateAsync(await JsonBody.ReadAsync<SwitchSettings>(http), ct);
            return TypedResults.Created($"/api/v1/switches/{Uri.EscapeDataString(made.Name)}", made);
        }).Describe("CreateSwitch", "Make a virtual switch",
            "private: the VMs of this host only; internal: the VMs and the host, which gets hostAddresses on it. " +
            "The host makes a Linux bridge named from the switch's id; a failure leaves nothing behind.")
            .Reads<SwitchSettings>()
            .Problems(StatusCodes.Status409Conflict, StatusCodes.Status502BadGateway);
        switches.MapPatch("/{name}", async ([Description(NameDescription)] string name, HttpContext http, SwitchService service, CancellationToken ct) =>
            await service.UpdateAsync(name, await JsonBody.ReadAsync<SwitchSettings>(http), ct))
            .Describe("UpdateSwitch", "Change a virtual switch", "Its name (while no adapter names it), notes or, for an internal switch, the host's addresses; the kind is fixed.")
            .Reads<SwitchSettings>()
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status502BadGateway);
        switches.MapDelete("/{name}", ([Description(NameDescription)] string name,
            [Description("Leave the adapters that name it not connected, instead of refusing.")] bool? force, SwitchService service, CancellationToken ct) =>
            service.RemoveAsync(name, force ?? false, ct))
            .Describe("RemoveSwitch", "Remove a virtual switch", "Refused while adapters name it, unless force; the answer is the switch as it was.")
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status502BadGateway);
    }
}
