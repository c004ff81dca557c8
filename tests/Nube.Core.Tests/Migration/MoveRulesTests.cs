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
        Assert.Equal(["machine", "running VMs"], MoveRules.Destination(vm, live: true, limited, Qemu10, tcg: true, Machines, runningNow: 2).Select(e => e.Field));
        Assert.Empty(MoveRules.Destination(vm with { Machine = "pc-i440fx-10.0" }, live: true, limited, Qemu10, tcg: true, Machines, runningNow: 1));
    }
}
