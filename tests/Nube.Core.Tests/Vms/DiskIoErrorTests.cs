using Nube.Core.Vms;

namespace Nube.Core.Tests.Vms;

public sealed class DiskIoErrorTests
{
    private static readonly VmConfig Vm = TestVms.KernelBoot() with
    {
        IdeDrives = [new IdeDrive { Id = "disk1", Controller = 0, Location = 1, Path = "/images/ide.vhdx" }],
        ScsiControllers = [new ScsiController { Id = "scsi0", Disks = [new ScsiDisk { Id = "disk2", Location = 1, Path = "/full/data.qcow2" }] }],
    };

    [Fact]
    public void A_full_host_disk_names_the_file_and_the_place_and_says_what_to_do()
    {
        Assert.Equal("paused: the host's disk is full writing '/full/data.qcow2' (SCSI 0:1); free space and resume it",
            DiskIoError.Describe(Vm, "disk2", "write", noSpace: true, "No space left on device"));
        // A node of the disk's own (its file node) names the same disk.
        Assert.Equal("paused: the host's disk is full writing '/images/ide.vhdx' (IDE 0:1); free space and resume it",
            DiskIoError.Describe(Vm, "disk1-file", "write", noSpace: true, "No space left on device"));
    }

    [Fact]
    public void Another_error_gives_the_host_s_words_and_an_unknown_node_is_named_as_it_is()
    {
        Assert.Equal("paused: the host could not finish writing '/full/data.qcow2' (SCSI 0:1) (Input/output error); fix the cause and resume it",
            DiskIoError.Describe(Vm, "disk2", "write", noSpace: false, "Input/output error"));
        Assert.Equal("paused: the host could not finish reading the block node 'disk21' (Input/output error); fix the cause and resume it",
            DiskIoError.Describe(Vm, "disk21", "read", noSpace: false, "Input/output error"));
    }
}
