using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Hosts;

public sealed class QemuMachinesTests
{
    /// <summary>Lines of QEMU 10.0.2's <c>-machine help</c>, as it prints them.</summary>
    private const string Help = """
        Supported machines are:
        microvm              microvm (i386)
        pc-i440fx-9.2        Standard PC (i440FX + PIIX, 1996)
        pc-i440fx-2.10       Standard PC (i440FX + PIIX, 1996) (deprecated)
        pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-10.0)
        pc-i440fx-10.0       Standard PC (i440FX + PIIX, 1996) (default)
        pc-q35-9.2           Standard PC (Q35 + ICH9, 2009)
        q35                  Standard PC (Q35 + ICH9, 2009) (alias of pc-q35-10.0)
        pc-q35-10.0          Standard PC (Q35 + ICH9, 2009)
        isapc                ISA-only PC
        none                 empty machine
        x-remote             Experimental remote machine
        """;

    [Fact]
    public void The_listing_gives_every_type_and_what_pc_and_q35_stand_for()
    {
        var machines = QemuMachines.Parse(Help);
        Assert.Equal("microvm pc-i440fx-9.2 pc-i440fx-2.10 pc-i440fx-10.0 pc-q35-9.2 pc-q35-10.0 isapc none x-remote", string.Join(" ", machines.Types));
        Assert.Equal(("pc-i440fx-10.0", "pc-q35-10.0"), (machines.Current(1), machines.Current(2)));
        Assert.True(machines.Has("pc-i440fx-2.10"));
        Assert.False(machines.Has("pc"));
        var nothing = QemuMachines.Parse("");
        Assert.True(nothing.Types.IsEmpty && nothing.Current(1) is null && nothing.Current(2) is null);
    }

    [Fact]
    public void A_pinned_type_is_a_versioned_one_of_the_VMs_board_the_host_must_have_and_QEMU_gets_it()
    {
        IEnumerable<string> Errors(VmConfig vm) => VmValidator.Validate(vm, Nube.Core.Editions.Editions.Nube, [], []).Select(e => e.Message);
        var gen1 = TestVms.KernelBoot() with { Machine = "pc-i440fx-9.2" };
        Assert.Empty(Errors(gen1));
        Assert.Equal(["machine: 'q35' is not a machine type of a generation 1 VM, which is pc-i440fx-MAJOR.MINOR (such as pc-i440fx-10.0)"],
            Errors(gen1 with { Machine = "q35" }));
        Assert.Equal(["machine: 'pc-i440fx-10.0;x' is not a machine type of a generation 1 VM, which is pc-i440fx-MAJOR.MINOR (such as pc-i440fx-10.0)"],
            Errors(gen1 with { Machine = "pc-i440fx-10.0;x" }));
        Assert.Equal(["machine: 'pc-i440fx-10.0' is not a machine type of a generation 2 VM, which is pc-q35-MAJOR.MINOR (such as pc-q35-10.0)"],
            Errors(DeviceIds.FromPositions(TestVms.Generation2()) with { Machine = "pc-i440fx-10.0" }));

        var machines = QemuMachines.Parse(Help);
        Assert.Null(MachineRules.CheckHost(gen1, machines, new Version(10, 0, 2)));
        Assert.Null(MachineRules.CheckHost(gen1 with { Machine = null }, machines, new Version(10, 0, 2)));
        Assert.Null(MachineRules.CheckHost(gen1 with { Machine = "pc-i440fx-11.0" }, QemuMachines.Unknown, new Version(0, 0, 0)));
        Assert.StartsWith("machine: this host's QEMU 10.0.2 has no machine type 'pc-q35-11.0'; its newest of the kind is pc-q35-10.0.",
            MachineRules.CheckHost(TestVms.Generation2() with { Machine = "pc-q35-11.0" }, machines, new Version(10, 0, 2))!.Message, StringComparison.Ordinal);

        // QEMU gets the pinned type; a VM made before pinning keeps the unversioned one.
        Assert.Equal("pc-i440fx-9.2", Machine(gen1));
        Assert.Equal("pc", Machine(gen1 with { Machine = null }));
    }

    private static string Machine(VmConfig vm)
    {
        var argv = QemuCommandBuilder.Build(DeviceIds.FromPositions(vm), new QemuLaunchContext(Accelerator.Tcg, new VmRuntimePaths("/run/nube/vms/x", "/var/lib/nube/vms/x"))).Argv.ToList();
        return argv[argv.IndexOf("-machine") + 1];
    }
}
