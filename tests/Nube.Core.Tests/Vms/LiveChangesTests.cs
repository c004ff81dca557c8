using Nube.Core.Vms;

namespace Nube.Core.Tests.Vms;

public class LiveChangesTests
{
    private static readonly VmConfig Before = TestVms.KernelBoot() with { IdeDrives = [TestVms.Disk(0, 0)] };

    private static VmConfigDiff Diff(Func<VmConfig, VmConfig> change) => VmConfigDiff.Compute(Before, change(Before));

    public static TheoryData<Func<VmConfig, VmConfig>> AllowedWhileRunning => new()
    {
        vm => vm with { Name = "db" },
        vm => vm with { Notes = "moved to rack 4" },
        vm => vm with { AutomaticStartAction = AutomaticStartAction.StartIfRunning },
        vm => vm with { AutomaticStartDelaySeconds = 120 },
        vm => vm with { AutomaticStopAction = AutomaticStopAction.ShutDown },
        vm => vm with { CrashAction = CrashAction.Restart },
    };

    public static TheoryData<Func<VmConfig, VmConfig>, string, string> OnlyWhileOff => new()
    {
        { vm => vm with { ProcessorCount = 2 }, "processorCount", "2" },
        { vm => vm with { MemoryStartupMiB = 1024 }, "memoryStartupMiB", "1024" },
        { vm => vm with { Boot = vm.Boot with { Initrd = "/var/lib/nube/images/initrd" } }, "boot",
            """{"kind":"kernel","kernel":"/var/lib/nube/images/vmlinux","initrd":"/var/lib/nube/images/initrd"}""" },
        { vm => vm with { IdeDrives = [] }, "ideDrives", "[]" },
        { vm => vm with { ScsiControllers = TestVms.ScsiControllers(1, 1) }, "scsiControllers",
            """[{"disks":[{"location":0,"path":"/images/scsi-0.raw","readOnly":false}],"ioThread":true}]""" },
        { vm => vm with { ScsiControllers = [new ScsiController { IoThread = false }] }, "scsiControllers", """[{"disks":[],"ioThread":false}]""" },
        { vm => vm with { SecureBoot = true }, "secureBoot", "true" },
        { vm => vm with { NetworkAdapters = [new NetworkAdapter { Switch = "user" }] }, "networkAdapters",
            """[{"kind":"synthetic","switch":"user"}]""" },
        { vm => vm with { Com1 = new ComPort { Log = false } }, "com1", """{"log":false}""" },
    };

    [Theory]
    [MemberData(nameof(AllowedWhileRunning))]
    public void Host_side_settings_may_change_while_the_VM_runs(Func<VmConfig, VmConfig> change)
    {
        var diff = Diff(change);
        Assert.Single(diff.Changes);
        Assert.True(LiveChanges.MayChangeWhileRunning(diff.Changes[0], diff));
        Assert.Empty(LiveChanges.Check(diff, VmState.Running));
        Assert.Empty(LiveChanges.Check(diff, "running"));
    }

    [Theory]
    [MemberData(nameof(OnlyWhileOff))]
    public void Virtual_hardware_changes_only_while_the_VM_is_off(Func<VmConfig, VmConfig> change, string field, string value)
    {
        var diff = Diff(change);
        var error = Assert.Single(LiveChanges.Check(diff, VmState.Running));
        Assert.Equal($"{field}: can change only while the VM is off; it is running", error.Message);
        Assert.Equal(field, error.Field);
        Assert.Equal(value, error.Value);
        Assert.False(LiveChanges.MayChangeWhileRunning(diff.Changes[0], diff));
        Assert.Empty(LiveChanges.Check(diff, VmState.Off));
    }

    [Fact]
    public void Every_change_that_needs_the_VM_off_is_reported_at_once_and_the_others_are_not()
    {
        var diff = Diff(vm => vm with
        {
            Name = "db",
            ProcessorCount = 2,
            MemoryStartupMiB = 1024,
            Com1 = new ComPort { Log = false },
            Notes = "n",
        });
        Assert.Equal([
            "processorCount: can change only while the VM is off; it is saved, and its saved state needs this hardware: start it and shut it down first",
            "memoryStartupMiB: can change only while the VM is off; it is saved, and its saved state needs this hardware: start it and shut it down first",
            "com1: can change only while the VM is off; it is saved, and its saved state needs this hardware: start it and shut it down first",
        ], LiveChanges.Check(diff, VmState.Saved).Select(e => e.Message));
    }

    [Theory]
    [InlineData(VmState.Starting, "starting")]
    [InlineData(VmState.Running, "running")]
    [InlineData(VmState.Paused, "paused")]
    [InlineData(VmState.Saving, "saving")]
    [InlineData(VmState.Saved, "saved, and its saved state needs this hardware: start it and shut it down first")]
    [InlineData(VmState.Stopping, "stopping")]
    public void The_message_names_the_state_in_its_JSON_word(VmState state, string word)
    {
        var error = Assert.Single(LiveChanges.Check(Diff(vm => vm with { ProcessorCount = 2 }), state));
        Assert.Equal($"processorCount: can change only while the VM is off; it is {word}", error.Message);
    }

    [Fact]
    public void A_caller_may_name_a_state_of_its_own()
    {
        var error = Assert.Single(LiveChanges.Check(Diff(vm => vm with { ProcessorCount = 2 }), "migrating"));
        Assert.Equal("processorCount: can change only while the VM is off; it is migrating", error.Message);
    }

    [Fact]
    public void No_change_is_never_an_error()
    {
        var diff = VmConfigDiff.Compute(Before, Before with { });
        Assert.True(diff.IsEmpty);
        Assert.Empty(LiveChanges.Check(diff, VmState.Running));
    }
}
