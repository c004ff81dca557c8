using Nube.Linux;

namespace Nube.EndToEnd.Tests;

/// <summary>The host probe's parsing, on samples and on this machine's own /proc and /sys.</summary>
public sealed class HostProbeTests
{
    [Fact]
    public void Parses_meminfo_cpu_flags_and_qemu_versions()
    {
        Assert.Equal(24683812L * 1024, HostProbe.ParseMemTotal("MemTotal:       24683812 kB\nMemFree:  1 kB\n"));
        Assert.True(HostProbe.CpuHasVirtualization("processor\t: 0\nflags\t\t: fpu vme vmx sse\n"));
        Assert.True(HostProbe.CpuHasVirtualization("flags\t\t: fpu svm\n"));
        Assert.False(HostProbe.CpuHasVirtualization("flags\t\t: fpu vme hypervisor\nvmx flags\t: ept\n"));
        Assert.Equal(new Version(10, 0, 2), HostProbe.ParseQemuVersion("QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)\n"));
        Assert.Null(HostProbe.ParseQemuVersion("not qemu"));
    }

    [Theory]
    [InlineData("0-1", 2)]
    [InlineData("0-1\n", 2)]
    [InlineData("0-3,8-11", 8)]
    [InlineData("0-3,8-11\n", 8)]
    [InlineData("0", 1)]
    [InlineData("5", 1)]
    public void Parses_the_online_cpu_list(string online, int count)
    {
        Assert.Equal(count, HostProbe.ParseCpuList(online));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("0-")]
    [InlineData("3-1")]
    public void Refuses_a_cpu_list_that_is_not_one(string online)
    {
        var error = Assert.Throws<FormatException>(() => HostProbe.ParseCpuList(online));
        Assert.Equal($"The CPU list '{online}' is not a list of ascending CPU numbers and ranges such as '0-3,8-11'.", error.Message);
    }

    [Fact]
    public async Task Probes_this_machine()
    {
        var facts = await HostProbe.ProbeAsync();
        Assert.Equal(CountOnlineCpus(File.ReadAllText("/sys/devices/system/cpu/online")), facts.LogicalProcessors);
        Assert.True(facts.MemoryBytes > 256L << 20);
        Assert.Equal(facts, await new LinuxHostProbe().ProbeAsync(CancellationToken.None));
        var qemu = await HostProbe.QemuVersionAsync("qemu-system-x86_64");
        Assert.True(qemu.Major >= 10, $"scripts/install-deps.sh installs QEMU 10 or newer, found {qemu}");
        await Assert.ThrowsAsync<QemuNotFoundException>(() => HostProbe.QemuVersionAsync("qemu-system-nube-missing"));
    }

    /// <summary>The test's own reading of the cpulist format, apart from the parser under test.</summary>
    private static int CountOnlineCpus(string online) =>
        online.Trim().Split(',').Sum(range =>
        {
            var bounds = range.Split('-').Select(int.Parse).ToArray();
            return bounds[^1] - bounds[0] + 1;
        });
}
