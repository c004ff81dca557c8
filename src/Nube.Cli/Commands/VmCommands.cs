using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Vms;

namespace Nube.Cli.Commands;

/// <summary><c>nube vm ...</c>: create, inspect, change and run VMs.</summary>
public static class VmCommands
{
    private static readonly Argument<string> VmArg = new("vm") { Description = "The VM's name or id" };

    public static Command Build()
    {
        var vm = new Command("vm", "Virtual machines");
        vm.Subcommands.Add(List());
        vm.Subcommands.Add(New());
        vm.Subcommands.Add(Show());
        vm.Subcommands.Add(Set());
        vm.Subcommands.Add(Measure());
        foreach (var operation in OperationCommands.Build(VmArg))
            vm.Subcommands.Add(operation);
        vm.Subcommands.Add(Remove());
        vm.Subcommands.Add(ConsoleCommand.Build(VmArg));
        foreach (var command in DisplayCommands.Build(VmArg))
            vm.Subcommands.Add(command);
        vm.Subcommands.Add(KvpCommands.Build(VmArg));
        foreach (var command in VmDriveCommands.Build(VmArg))
            vm.Subcommands.Add(command);
        vm.Subcommands.Add(VmNicCommands.Build(VmArg));
        vm.Subcommands.Add(CopyFileCommand.Build(VmArg));
        vm.Subcommands.Add(IntegrationCommands.Build(VmArg));
        foreach (var command in FreezeCommands.Build(VmArg))
            vm.Subcommands.Add(command);
        vm.Subcommands.Add(CheckpointCommands.Build(VmArg));
        vm.Subcommands.Add(MoveCheckCommand.Build(VmArg));
        vm.Subcommands.Add(MoveCommand.Build(VmArg));
        vm.Subcommands.Add(MoveStorageCommand.Build(VmArg));
        return vm;
    }

    private static Command List()
    {
        var c = new Command("list", "List the host's VMs");
        c.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.ListVmsAsync(ct), ContractsJson.Default.IReadOnlyListVmSummary, VmTables.List));
        return c;
    }

    private static Command Show()
    {
        var agentWait = new Option<int>("--agent-wait") { Description = "Seconds to wait for the guest agent's answer", DefaultValueFactory = _ => 1 };
        var c = new Command("show", "Show a VM's settings and state") { VmArg, agentWait };
        c.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.GetVmAsync(p.GetValue(VmArg)!, p.GetValue(agentWait), ct), ContractsJson.Default.VmDetails, VmTables.Details));
        return c;
    }

    private static Command Measure()
    {
        var history = new Option<bool>("--history") { Description = "Add the last half hour's rates, one point per sampling (with --json)" };
        var c = new Command("measure", "Show a VM's resource use since it started: processor, memory, disk and network") { VmArg, history };
        c.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.MeasureVmAsync(p.GetValue(VmArg)!, p.GetValue(history), ct), ContractsJson.Default.VmMeasurement,
                MeterTables.Measurement));
        return c;
    }

    private static Command New()
    {
        var name = new Argument<string>("name") { Description = "The new VM's display name" };
        var c = new Command("new", "Create a VM") { name };
        var settings = VmSettingOptions.AddTo(c, forCreate: true);
        c.SetHandler(async (p, client, ct) =>
        {
            var created = await client.CreateVmAsync(settings.Read(p) with { Name = p.GetValue(name) }, ct);
            Printer.Say(p, created, ContractsJson.Default.VmDetails, d => $"Created VM '{d.Summary.Name}' ({d.Summary.Id}).");
        });
        return c;
    }

    private static Command Set()
    {
        var c = new Command("set", "Change a VM's settings (hardware only while it is off)") { VmArg };
        var settings = VmSettingOptions.AddTo(c, forCreate: false);
        c.SetHandler(async (p, client, ct) =>
        {
            var changes = settings.Read(p);
            if (changes == new VmSettings())
                throw new CliException(ExitCodes.Usage, "Nothing to change: give at least one option (see 'nube vm set --help').");
            var changed = await client.SetVmAsync(p.GetValue(VmArg)!, changes, ct);
            var fields = ChangedFields.Of(changes, ContractsJson.Default.VmSettings);
            Printer.Say(p, changed, ContractsJson.Default.VmDetails, d => ChangedFields.Sentence($"VM '{d.Summary.Name}'", fields));
        });
        return c;
    }

    private static Command Remove()
    {
        var deleteDisks = new Option<bool>("--delete-disks")
        {
            Description = "Delete its disk files too, those no other VM uses, no disk has as parent and under the storage roots",
        };
        var c = new Command("remove", "Remove a VM's configuration, saved state and log; its disks stay unless --delete-disks") { VmArg, deleteDisks };
        c.SetHandler(async (p, client, ct) =>
        {
            var removed = await client.RemoveVmAsync(p.GetValue(VmArg)!, p.GetValue(deleteDisks), ct);
            if (removed.DiskFiles is not null)
            {
                Printer.Print(p, removed, ContractsJson.Default.VmDetails, DiskTables.Removed);
                return;
            }
            Printer.Say(p, removed.Summary, ContractsJson.Default.VmSummary,
                s => $"Removed VM '{s.Name}' ({s.Id}); files other than its configuration, saved state and log were kept.");
        });
        return c;
    }
}
