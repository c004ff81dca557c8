using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary>
/// <c>nube vm integration list|enable|disable|set</c>: a VM's integration services (heartbeat,
/// shutdown, time-sync, kvp, guest-services, backup), live while it runs.
/// </summary>
public static class IntegrationCommands
{
    private const string Services = "heartbeat, shutdown, time-sync, kvp, guest-services or backup";

    public static Command Build(Argument<string> vmArg)
    {
        var integration = new Command("integration", "A VM's integration services: heartbeat, shutdown, time sync, data exchange, guest services, backup");
        var list = new Command("list", "Each service: enabled, status (OK, No contact, Lost communication, Disabled), last good answer, error") { vmArg };
        list.SetHandler(async (p, client, ct) => Printer.Print(p, await client.ListIntegrationServicesAsync(p.GetValue(vmArg)!, ct),
            ContractsJson.Default.IReadOnlyListIntegrationServiceInfo, IntegrationTables.List));
        integration.Subcommands.Add(list);
        integration.Subcommands.Add(Switch("enable", true, vmArg));
        integration.Subcommands.Add(Switch("disable", false, vmArg));
        integration.Subcommands.Add(Set(vmArg));
        return integration;
    }

    private static Command Switch(string name, bool enable, Argument<string> vmArg)
    {
        var service = new Argument<string>("service") { Description = Services };
        var c = new Command(name, $"{(enable ? "Enable" : "Disable")} one integration service (live while the VM runs)") { vmArg, service };
        c.SetHandler(async (p, client, ct) =>
        {
            var vm = p.GetValue(vmArg)!;
            var info = await client.SetIntegrationServiceAsync(vm, p.GetValue(service)!, enable, ct);
            Printer.Say(p, info, ContractsJson.Default.IntegrationServiceInfo,
                i => $"{i.DisplayName} of VM '{vm}' is {(i.Enabled ? "enabled" : "disabled")} ({IntegrationTables.Status(i.Status)}).");
        });
        return c;
    }

    private static Command Set(Argument<string> vmArg)
    {
        var interval = new Option<int?>("--heartbeat-interval") { Description = "Seconds between heartbeats (instead of the host's)" };
        var timeout = new Option<int?>("--heartbeat-timeout") { Description = "Seconds a heartbeat waits for the guest (instead of the host's)" };
        var timeSync = new Option<int?>("--time-sync-interval")
        {
            Description = "Seconds between settings of the guest's clock (instead of the host's); 0: only after start, resume and restore",
        };
        var c = new Command("set", "Change a VM's heartbeat and time-sync timings") { vmArg, interval, timeout, timeSync };
        c.SetHandler(async (p, client, ct) =>
        {
            var changes = new IntegrationServicesSettings
            {
                HeartbeatIntervalSeconds = p.GetValue(interval), HeartbeatTimeoutSeconds = p.GetValue(timeout),
                TimeSyncIntervalSeconds = p.GetValue(timeSync),
            };
            if (changes == new IntegrationServicesSettings())
                throw new CliException(ExitCodes.Usage, "Nothing to change: give --heartbeat-interval, --heartbeat-timeout or --time-sync-interval.");
            var changed = await client.SetVmAsync(p.GetValue(vmArg)!, new VmSettings { IntegrationServices = changes }, ct);
            Printer.Say(p, changed, ContractsJson.Default.VmDetails, d => $"Changed the integration timings of VM '{d.Summary.Name}'.");
        });
        return c;
    }
}
