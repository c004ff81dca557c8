using System.Collections.Immutable;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Validation;

public sealed class DiskSharingRulesTests
{
    private static readonly ImmutableDictionary<string, ImmutableArray<BackingImage>> NoChains =
        ImmutableDictionary<string, ImmutableArray<BackingImage>>.Empty;

    // /images/link.vhdx is a link to /images/x.vhdx.
    private static string Real(string path) => path == "/images/link.vhdx" ? "/images/x.vhdx" : path;

    private static VmConfig Vm(string name, params ScsiDisk[] disks) => TestVms.KernelBoot() with
    {
        Name = name,
        ScsiControllers = [new ScsiController { Disks = [.. disks] }],
    };

    private static ScsiDisk Disk(int location, string path, bool readOnly = false) => new() { Location = location, Path = path, ReadOnly = readOnly };

    private static IReadOnlyList<string> Check(VmConfig vm, IReadOnlyDictionary<string, ImmutableArray<BackingImage>>? chains = null,
        params (VmConfig Vm, IReadOnlyDictionary<string, ImmutableArray<BackingImage>> Chains)[] others) =>
        [.. DiskSharingRules.Check(DiskSharingRules.Uses(vm, chains ?? NoChains, Real),
            others.Select(o => new VmDiskUses(o.Vm.Name, DiskSharingRules.Uses(o.Vm, o.Chains, Real)))).Select(e => e.Message)];

    [Fact]
    public void A_disk_of_another_vm_is_refused_naming_the_field_the_file_and_the_other_vm()
    {
        var db = Vm("db", Disk(0, "/x.vhdx"));
        var web = Vm("web", Disk(0, "/images/boot.qcow2"), Disk(1, "/x.vhdx"));

        Assert.Equal(["scsiControllers[0].disks[1].path: '/x.vhdx' is already a disk of VM 'db' (scsiControllers[0].disks[0]); a disk is used by one VM at a time"],
            Check(web, null, (db, NoChains)));
    }

    [Fact]
    public void The_same_file_at_two_places_of_one_vm_is_refused_also_through_a_link()
    {
        var vm = Vm("web", Disk(0, "/images/x.vhdx"), Disk(1, "/images/link.vhdx")) with
        {
            IdeDrives = [new IdeDrive { Controller = 0, Location = 0, Path = "/images/x.vhdx" }],
        };

        Assert.Equal([
            "scsiControllers[0].disks[0].path: '/images/x.vhdx' is already a disk of this VM (ideDrives[0]); a disk is used at one place at a time",
            "scsiControllers[0].disks[1].path: '/images/link.vhdx' is already a disk of this VM (ideDrives[0]); a disk is used at one place at a time",
        ], Check(vm));
    }

    [Fact]
    public void Read_only_images_and_dvds_may_be_shared_by_any_number_of_vms()
    {
        var iso = new IdeDrive { Controller = 1, Location = 0, Media = DriveMedia.Dvd, Path = "/images/debian.iso" };
        var a = Vm("a", Disk(0, "/images/tools.vhdx", readOnly: true)) with { IdeDrives = [iso, iso with { Location = 1 }] };
        var b = Vm("b", Disk(0, "/images/tools.vhdx", readOnly: true)) with { IdeDrives = [iso] };

        Assert.Empty(Check(a, null, (b, NoChains)));
    }

    [Fact]
    public void A_read_only_use_of_a_disk_another_vm_writes_is_refused()
    {
        var db = Vm("db", Disk(0, "/x.vhdx"));
        var web = Vm("web", Disk(0, "/x.vhdx", readOnly: true));

        Assert.Equal(["scsiControllers[0].disks[0].path: '/x.vhdx' is already a disk of VM 'db' (scsiControllers[0].disks[0]); a disk is used by one VM at a time"],
            Check(web, null, (db, NoChains)));
    }

    [Fact]
    public void Children_of_one_shared_base_may_run_side_by_side()
    {
        var chain = ImmutableArray.Create(new BackingImage("/images/base.vhdx", DiskFormat.Vhdx));
        var a = Vm("a", Disk(0, "/images/a.qcow2"));
        var b = Vm("b", Disk(0, "/images/b.qcow2"), Disk(1, "/images/b2.qcow2"));

        Assert.Empty(Check(b, new Dictionary<string, ImmutableArray<BackingImage>> { ["/images/b.qcow2"] = chain, ["/images/b2.qcow2"] = chain },
            (a, new Dictionary<string, ImmutableArray<BackingImage>> { ["/images/a.qcow2"] = chain })));
    }

    [Fact]
    public void A_backing_file_is_never_also_a_writable_disk_of_this_vm_or_another()
    {
        var chain = ImmutableArray.Create(new BackingImage("/images/base.vhdx", DiskFormat.Vhdx));
        var chains = new Dictionary<string, ImmutableArray<BackingImage>> { ["/images/child.qcow2"] = chain };
        var writesBase = Vm("db", Disk(0, "/images/base.vhdx"));

        Assert.Equal(["scsiControllers[0].disks[1].path: '/images/base.vhdx' is the backing file of '/images/child.qcow2', a disk of this VM (scsiControllers[0].disks[0]); a backing file is only read, so no disk may write it"],
            Check(Vm("web", Disk(0, "/images/child.qcow2"), Disk(1, "/images/base.vhdx")), chains));
        Assert.Equal(["scsiControllers[0].disks[0].path: the backing file '/images/base.vhdx' of '/images/child.qcow2' is a writable disk of VM 'db' (scsiControllers[0].disks[0]); a backing file is only read, so no disk may write it"],
            Check(Vm("web", Disk(0, "/images/child.qcow2")), chains, (writesBase, NoChains)));
        Assert.Equal(["scsiControllers[0].disks[0].path: '/images/base.vhdx' is the backing file of '/images/child.qcow2', a disk of VM 'web' (scsiControllers[0].disks[0]); a backing file is only read, so no disk may write it"],
            Check(writesBase, null, (Vm("web", Disk(0, "/images/child.qcow2")), chains)));
    }
}
