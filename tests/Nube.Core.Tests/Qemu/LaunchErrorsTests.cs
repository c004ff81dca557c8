using Nube.Core.Qemu;

namespace Nube.Core.Tests.Qemu;

public sealed class LaunchErrorsTests
{
    private static readonly LaunchPlan Plan = new(["qemu-system-x86_64"], [], [],
        [
            new PassedDescriptor(3, DescriptorKind.ListeningSocket, "qmp", "/run/nube/vm/qmp.sock"),
            new PassedDescriptor(6, DescriptorKind.ReadOnlyFile, "scsiControllers[0].disks[0].path (backing file 1)", "/images/base.vhdx"),
            new PassedDescriptor(7, DescriptorKind.ReadWriteFile, "scsiControllers[0].disks[0].path", "/images/l.qcow2"),
        ],
        FileNodes: new Dictionary<string, int> { ["disk1-b1-file"] = 6, ["disk1-file"] = 7 });

    [Fact]
    public void An_image_lock_error_names_the_field_and_the_file_instead_of_the_node_and_the_fdset()
    {
        // As QEMU 10 says it: the lock is taken when the device attaches its drive.
        const string said = "QEMU exited with code 1: qemu-system-x86_64: -device {\"driver\":\"scsi-hd\",\"bus\":\"scsi0.0\",\"scsi-id\":0,\"lun\":0," +
            "\"drive\":\"disk1\",\"id\":\"disk1\",\"werror\":\"stop\",\"rerror\":\"report\"}: Failed to get \"write\" lock\nIs another process using the image [/dev/fdset/7]?";

        Assert.Equal("scsiControllers[0].disks[0].path: '/images/l.qcow2': QEMU exited with code 1: Failed to get \"write\" lock\n" +
            "Is another process using the image [/images/l.qcow2]?", LaunchErrors.Explain(said, Plan));
    }

    [Fact]
    public void A_backing_file_is_named_as_such_and_text_without_a_disk_stays_as_it_is()
    {
        const string said = "qemu-system-x86_64: -blockdev {\"driver\":\"vhdx\",\"file\":\"disk1-b1-file\",\"node-name\":\"disk1-b1\",\"read-only\":true}: " +
            "VHDX BAT entry 3 end offset 41943039 points after end of file (37748736). Image has probably been truncated.";

        Assert.Equal("scsiControllers[0].disks[0].path (backing file 1): '/images/base.vhdx': VHDX BAT entry 3 end offset 41943039 points after " +
            "end of file (37748736). Image has probably been truncated.", LaunchErrors.Explain(said, Plan));
        Assert.Equal("QEMU was killed by signal 9.", LaunchErrors.Explain("QEMU was killed by signal 9.", Plan));
    }
}
