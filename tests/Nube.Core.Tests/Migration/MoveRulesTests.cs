using EditionCatalogue = Nube.Core.Editions.Editions;
using Nube.Core.Hosts;
using Nube.Core.Migration;
using Nube.Core.Qemu;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Migration;

public sealed class MoveRulesTests
{
    private static readonly Version Qemu10 = new(10, 0, 2);
    private static readonly QemuMachines Machines = new(["pc-i440fx-10.0", "pc-q35-10.0"], "pc-i440fx-10.0", "pc-q35-10.0");

    [Fact]
    public void The_source_moves_a_running_VM_live_only_without_VHDX_images_on_an_edition_and_QEMU_that_allow_it()
    {
        var vm = TestVms.KernelBoot() with { Name = "web" };
        (string, BackingImage)[] images = [("scsi0", new("/srv/web.qcow2", DiskFormat.Qcow2)), ("scsi0", new("/srv/base.vhdx", DiskFormat.Vhdx))];
        Assert.Empty(MoveRules.Source(vm, VmState.Running, live: false, EditionCatalogue.Ws2008R2Standard, new Version(7, 2), tcg: true, images));
        Assert.Equal([
            "state: VM 'web' is saved; a live migration moves a running or paused VM",
            "this host: live migration: edition 'ws2008r2-standard' does not offer live migration; use quick migration (save, move, restore) instead",
            "qemu: this host has QEMU 7.2; live migration needs 9.0 or later (earlier ones corrupt a guest that writes memory during the move under TCG)",
            "scsi0: '/srv/base.vhdx' is a VHDX image, which QEMU cannot migrate live; convert it to qcow2 while the VM is off (nube disk convert), or move the VM by quick migration",
        ], MoveRules.Source(vm, VmState.Saved, live: true, EditionCatalogue.Ws2008R2Standard, new Version(7, 2), tcg: true, images).Select(e => e.Message));
        // With KVM, QEMU 7.2 migrates a writing guest well.
        Assert.Empty(MoveRules.Source(vm, VmState.Paused, live: true, EditionCatalogue.Find("nube"), new Version(7, 2), tcg: false, images.Take(1)));
    }

    [Fact]
    public void The_destination_needs_the_pinned_machine_type_and_room_for_one_more_running_VM()
    {
        var vm = TestVms.KernelBoot() with { Machine = "pc-i440fx-11.0" };
        var limited = EditionCatalogue.Find("nube") with { MaxRunningVms = 2 };
        Assert.Equal(["machine", "running VMs"], MoveRules.Destination(vm, live: true, limited, Qemu10, tcg: true, Machines, runningNow: 2, Tcg10, Tcg10).Select(e => e.Field));
        Assert.Empty(MoveRules.Destination(vm with { Machine = "pc-i440fx-10.0" }, live: true, limited, Qemu10, tcg: true, Machines, runningNow: 1, Tcg10, Tcg10));
    }

    private static readonly string Tcg10 = MoveRules.HostProcessor(tcg: true, Qemu10, "");
    private static readonly string Epyc = MoveRules.HostProcessor(tcg: false, Qemu10, "AMD EPYC 7763 64-Core Processor");

    [Fact]
    public void A_VM_on_the_hosts_processor_moves_only_where_it_is_the_same_and_any_VM_only_between_hosts_with_the_same_accelerator()
    {
        var compatible = TestVms.KernelBoot() with { Name = "web", Machine = "pc-i440fx-10.0", Processor = ProcessorModel.Compatible };
        var nube = EditionCatalogue.Find("nube");
        IReadOnlyList<string> Problems(VmConfig vm, string source, string here) =>
            [.. MoveRules.Destination(vm, live: true, nube, Qemu10, tcg: here == Tcg10, Machines, 0, source, here).Select(e => e.Message)];

        Assert.Equal("TCG of QEMU 10.0.2", Tcg10);
        Assert.Empty(Problems(compatible, Epyc, MoveRules.HostProcessor(tcg: false, Qemu10, "Intel(R) Xeon(R) Gold 6338")));
        Assert.Empty(Problems(compatible with { Processor = ProcessorModel.Host }, Epyc, Epyc));
        // A VM made before pinning has the host's processor.
        Assert.Equal([
            "processorModel: VM 'web' has the host's processor (KVM on AMD EPYC 7763 64-Core Processor at the source), which this host cannot give it " +
            "(KVM on Intel(R) Xeon(R) Gold 6338); set its processor model to compatible while it is off (nube vm set web --processor-model compatible)",
        ], Problems(compatible with { Processor = null }, Epyc, MoveRules.HostProcessor(tcg: false, Qemu10, "Intel(R) Xeon(R) Gold 6338")));
        Assert.Equal(["processorModel"], MoveRules.Destination(compatible with { Processor = ProcessorModel.Host }, live: true, nube, Qemu10, tcg: true, Machines, 0,
            MoveRules.HostProcessor(tcg: true, new Version(9, 2, 0), ""), Tcg10).Select(e => e.Field));
        Assert.Equal(["accelerator: the source runs VMs with KVM and this host with TCG; QEMU moves a running VM only between hosts with the same"],
            Problems(compatible, Epyc, Tcg10));
    }
}
