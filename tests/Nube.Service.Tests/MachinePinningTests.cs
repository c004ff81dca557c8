using Nube.Contracts.Jobs;
using Nube.Core.Lifecycle;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Tests.Fakes;
using Nube.Service.Tests.Harness;

namespace Nube.Service.Tests;

/// <summary>A VM's board is pinned to a versioned machine type of the host's QEMU (here QEMU 10.0's, from the fake probe).</summary>
public sealed class MachinePinningTests(ITestOutputHelper output)
{
    private static string MachineArgument(FakeQemu qemu) => qemu.Argv[qemu.Argv.ToList().IndexOf("-machine") + 1];

    [Fact]
    public async Task A_new_VM_is_pinned_to_the_hosts_current_machine_type_and_runs_on_it()
    {
        await using var host = await ServiceHarness.StartAsync(output);
        var (vm, qemu) = await host.RunningVmAsync("alpha");

        Assert.Equal("pc-i440fx-10.0", vm.Snapshot.Config!.Machine);
        Assert.Equal("pc-i440fx-10.0", MachineArgument(qemu));
        Assert.Equal("pc-i440fx-10.0", host.Store.LoadAll().Single().Config!.Machine);
    }

    [Fact]
    public async Task A_VM_made_before_pinning_is_pinned_at_its_next_start_from_off_and_stays_so()
    {
        await using var host = await ServiceHarness.StartAsync(output, new HarnessSetup { Vms = [new VmPatch { Name = "old" }] });
        var vm = host.Registry.Resolve("old");
        Assert.Null(vm.Snapshot.Config!.Machine);

        await ServiceHarness.StartVmAsync(vm);

        Assert.Equal("pc-i440fx-10.0", MachineArgument(host.Qemu.Launched.Single()));
        Assert.Equal("pc-i440fx-10.0", vm.Snapshot.Config!.Machine);
        Assert.Equal("pc-i440fx-10.0", host.Store.LoadAll().Single().Config!.Machine);
    }

    [Fact]
    public async Task The_machine_type_changes_while_the_VM_is_off_to_one_the_host_has_and_a_VM_pinned_to_one_it_lacks_does_not_start()
    {
        await using var host = await ServiceHarness.StartAsync(output, new HarnessSetup { Vms = [new VmPatch { Name = "newer", Machine = "pc-i440fx-11.0" }] });
        var vm = await host.CreateVmAsync("alpha");

        await host.Registry.UpdateAsync(vm, new VmPatch { Machine = "pc-i440fx-9.2" }, []);
        var missing = await Assert.ThrowsAsync<ValidationException>(() => host.Registry.UpdateAsync(vm, new VmPatch { Machine = "pc-i440fx-11.0" }, []));
        Assert.Equal("machine: this host's QEMU 10.0.2 has no machine type 'pc-i440fx-11.0'; its newest of the kind is pc-i440fx-10.0. " +
            "A VM pinned to it runs on a host with that QEMU or a later one (a QEMU keeps its earlier versions' types); " +
            "to change the VM's board, set machine to one this host has while the VM is off", Assert.Single(missing.Errors).Message);
        var otherBoard = await Assert.ThrowsAsync<ValidationException>(() => host.Registry.UpdateAsync(vm, new VmPatch { Machine = "pc-q35-10.0" }, []));
        Assert.Equal("machine: 'pc-q35-10.0' is not a machine type of a generation 1 VM, which is pc-i440fx-MAJOR.MINOR (such as pc-i440fx-10.0)",
            Assert.Single(otherBoard.Errors).Message);

        await ServiceHarness.StartVmAsync(vm);
        Assert.Equal("pc-i440fx-9.2", MachineArgument(host.Qemu.Launched.Single()));
        var running = await Assert.ThrowsAsync<ValidationException>(() => host.Registry.UpdateAsync(vm, new VmPatch { Machine = "pc-i440fx-10.0" }, []));
        Assert.StartsWith("machine: can change only while the VM is off", Assert.Single(running.Errors).Message, StringComparison.Ordinal);

        // Pinned on a later QEMU (its file came from another host): refused before any QEMU, with what to do.
        var job = await ServiceHarness.RunAsync(host.Registry.Resolve("newer"), VmOperation.Start);
        Assert.Equal(JobStates.Failed, job.Info.State);
        Assert.Contains("has no machine type 'pc-i440fx-11.0'", job.Info.Problem?.Detail, StringComparison.Ordinal);
        Assert.Single(host.Qemu.Launched);
    }
}
