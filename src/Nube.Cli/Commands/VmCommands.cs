using System.CommandLine;
using Nube.Cli.Output;
using Nube.Contracts;
using Nube.Contracts.Client;
using Nube.Contracts.Vms;
using Spectre.Console;

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
        vm.Subcommands.Add(Start());
        foreach (var (name, description) in new[]
        {
            ("stop", "Shut the guest down (ACPI power button), turning it off after the host's stop timeout"),
            ("turn-off", "Turn the VM off at once, as pulling the power"),
            ("pause", "Pause the VM's processors"),
            ("resume", "Resume a paused VM"),
            ("save", "Save the VM's memory and devices to its folder and stop it; start resumes it"),
        })
            vm.Subcommands.Add(Operation(name, description));
        vm.Subcommands.Add(Remove());
        vm.Subcommands.Add(ConsoleCommand.Build(VmArg));
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

    private static Command New()
    {
        var name = new Argument<string>("name") { Description = "The new VM's display name" };
        var c = new Command("new", "Create a VM") { name };
        var settings = VmSettingOptions.AddTo(c, forCreate: true);
        c.SetHandler(async (p, client, ct) =>
        {
            var created = await client.CreateVmAsync(settings.Read(p) with { Name = p.GetValue(name) }, ct);
            Printer.Print(p, created, ContractsJson.Default.VmDetails, VmTables.Details);
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
            Printer.Print(p, await client.SetVmAsync(p.GetValue(VmArg)!, changes, ct), ContractsJson.Default.VmDetails, VmTables.Details);
        });
        return c;
    }

    private static Command Start()
    {
        var waitAgent = new Option<int>("--wait-agent")
        {
            Description = "Then wait up to this many seconds for the guest agent to answer; fail if it does not",
        };
        var c = new Command("start", "Start a VM, or restore it when it is saved") { VmArg, waitAgent };
        c.SetHandler(async (p, client, ct) =>
        {
            var vm = p.GetValue(VmArg)!;
            var details = await client.OperateAsync(vm, "start", ct);
            if (p.GetValue(waitAgent) is > 0 and var seconds)
            {
                details = await client.GetVmAsync(vm, seconds, ct);
                if (details.GuestAgent is not { Responding: true })
                    throw new CliException(ExitCodes.Failed,
                        $"VM '{details.Summary.Name}' started, but its guest agent did not answer within {seconds} s: {details.GuestAgent?.Error ?? details.Summary.State}.");
            }
            Printer.Print(p, details, ContractsJson.Default.VmDetails, VmTables.Details);
        });
        return c;
    }

    private static Command Operation(string name, string description)
    {
        var c = new Command(name, description) { VmArg };
        c.SetHandler(async (p, client, ct) =>
            Printer.Print(p, await client.OperateAsync(p.GetValue(VmArg)!, name, ct), ContractsJson.Default.VmDetails, VmTables.Details));
        return c;
    }

    private static Command Remove()
    {
        var c = new Command("remove", "Remove a VM's configuration, saved state and log; its disks stay") { VmArg };
        c.SetHandler(async (p, client, ct) =>
        {
            var removed = await client.RemoveVmAsync(p.GetValue(VmArg)!, ct);
            Printer.Print(p, removed.Summary, ContractsJson.Default.VmSummary,
                s => new Markup($"Removed VM [bold]{Markup.Escape(s.Name)}[/] ({s.Id}); files other than its configuration, saved state and log were kept.\n"));
        });
        return c;
    }
}
