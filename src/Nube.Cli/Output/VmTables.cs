using Nube.Contracts.Vms;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nube.Cli.Output;

public static class VmTables
{
    public static IRenderable List(IReadOnlyList<VmSummary> vms)
    {
        var t = new Table().Border(TableBorder.Rounded)
            .AddColumn("Name").AddColumn("State").AddColumn(new TableColumn("CPUs").RightAligned())
            .AddColumn(new TableColumn("Memory (MiB)").RightAligned()).AddColumn("Uptime").AddColumn("Heartbeat").AddColumn("Status");
        // As Hyper-V's Get-VM: the id is in 'vm show' and --json. Plain Text cells: parsing markup
        // for every cell of a long list costs more than the request.
        foreach (var vm in vms)
            t.AddRow(new Text(vm.Name), new Markup(State(vm.State)), new Text(vm.ProcessorCount.ToString()),
                new Text(vm.MemoryStartupMiB.ToString()), new Text(Uptime(vm.UptimeSeconds)), new Text(IntegrationTables.Status(vm.Heartbeat)),
                new Text(vm.StateReason ?? ""));
        return t;
    }

    public static IRenderable Details(VmDetails d)
    {
        var s = d.Settings;
        var rows = new List<(string, string?)>
        {
            ("Name", d.Summary.Name),
            ("Id", d.Summary.Id.ToString()),
            ("State", d.Summary.State),
            ("State reason", d.Summary.StateReason),
            ("Allowed actions", string.Join(", ", d.Summary.AllowedActions)),
            ("Uptime", Uptime(d.Summary.UptimeSeconds)),
            ("Process", d.ProcessId?.ToString()),
            ("Accelerator", d.Accelerator),
            ("Guest agent", d.GuestAgent is null ? null
                : d.GuestAgent.Responding ? $"responding (qemu-ga {d.GuestAgent.Version})" : $"not responding: {d.GuestAgent.Error}"),
        };
        if (s is not null)
        {
            rows.Add(("Generation", s.Generation?.ToString()));
            rows.Add(("Firmware", d.Firmware));
            rows.Add(("Machine", d.Machine));
            rows.Add(("Processors", s.ProcessorCount?.ToString()));
            rows.Add(("Processor model", s.ProcessorModel ?? "host (made before pinning)"));
            rows.Add(("Processor controls", $"reserve {s.CpuReserve} %, limit {s.CpuLimit} %, weight {s.CpuWeight}"));
            rows.Add(("Memory (MiB)", s.MemoryStartupMiB?.ToString()));
            rows.Add(("Boot", s.Boot?.Kind == "kernel"
                ? $"kernel {s.Boot.Kernel} initrd {s.Boot.Initrd ?? "-"} append \"{s.Boot.CommandLine}\""
                : $"disk {s.Boot?.Disk ?? "(the generation's boot disk)"}"));
            // As the guest sees them: place, emulated or synthetic, model, and what each holds.
            foreach (var device in d.Devices ?? [])
            {
                rows.Add((device.Name, $"{device.Kind,-9}  {device.Model}  {device.Detail}"));
                // What the guest says it has on this adapter (through data exchange), as Hyper-V shows IP addresses.
                if (device.Addresses is { } addresses)
                    rows.Add(("  IP addresses", addresses.Count > 0 ? string.Join(", ", addresses) : "none reported"));
            }
            rows.Add(("COM1 log", s.Com1?.Log == true ? "on" : "off"));
            rows.Add(("Automatic start", $"{s.AutomaticStartAction} (delay {s.AutomaticStartDelaySeconds} s)"));
            rows.Add(("Automatic stop", s.AutomaticStopAction));
            rows.Add(("On crash", s.CrashAction));
            rows.Add(("Notes", s.Notes));
        }
        foreach (var service in d.IntegrationServices ?? [])
            rows.Add((service.DisplayName, IntegrationTables.Line(service)));
        if (d.TimeSync is { } sync)
            rows.Add(("Clock last set", $"{JobText.When(sync.LastSync)}; it was {IntegrationTables.Drift(sync.DriftMilliseconds)}"));
        if (d.Freeze is { } frozen)
            rows.Add(("File systems", $"{frozen.FileSystems} frozen since {JobText.When(frozen.FrozenSince)} ({frozen.Reason}); thawed at {JobText.When(frozen.ThawDeadline)} at the latest"));
        if (d.Measurement is { ProcessorSeconds: not null } measured)
            rows.AddRange(MeterTables.Summary(measured));
        rows.Add(("Folder", d.VmDirectory));
        return Printer.KeyValues([.. rows]);
    }

    private static string State(string state) => state switch
    {
        "running" => "[green]running[/]",
        "broken" => "[red]broken[/]",
        "paused" or "saved" => $"[yellow]{state}[/]",
        _ => Markup.Escape(state),
    };

    private static string Uptime(long? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s).ToString("c") : "-";
}
