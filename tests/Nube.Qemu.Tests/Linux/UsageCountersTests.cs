using Nube.Linux.Network;
using Nube.Linux.Processes;

namespace Nube.Qemu.Tests.Linux;

/// <summary>The kernel's own counters that metering reads: a process's time and memory, an interface's bytes.</summary>
public sealed class UsageCountersTests
{
    [Fact]
    public void A_process_usage_grows_with_the_work_it_does_and_a_gone_process_has_none()
    {
        var before = ProcessUsage.Read(Environment.ProcessId)!;
        // Spins until .NET's own reckoning sees 0.3 s more processor time (however busy the machine).
        var self = System.Diagnostics.Process.GetCurrentProcess();
        var until = self.TotalProcessorTime + TimeSpan.FromSeconds(0.3);
        while (self.TotalProcessorTime < until)
            self.Refresh();
        var after = ProcessUsage.Read(Environment.ProcessId)!;
        Assert.InRange((after.ProcessorTime - before.ProcessorTime).TotalSeconds, 0.25, 30);
        Assert.InRange(after.ResidentBytes, 1L << 20, after.PeakResidentBytes);
        Assert.Null(ProcessUsage.Read(int.MaxValue));
    }

    [Fact]
    public void Loopback_has_counters_and_a_name_that_cannot_be_an_interface_reads_none()
    {
        Assert.NotNull(InterfaceCounters.Read("lo"));
        Assert.Null(InterfaceCounters.Read("../../../etc"));
        Assert.Null(InterfaceCounters.Read(".."));
        Assert.Null(InterfaceCounters.Read("a-name-too-long-for-linux"));
        Assert.Null(InterfaceCounters.Read("nube-none-0"));
    }
}
