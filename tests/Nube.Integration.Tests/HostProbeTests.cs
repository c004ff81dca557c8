using Nube.Linux;

namespace Nube.Integration.Tests;

/// <summary>The host probe's parsing, on samples and on this machine's own /proc.</summary>
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

    [Fact]
    public async Task Probes_this_machine()
    {
        var facts = await HostProbe.ProbeAsync();
        Assert.Equal(Environment.ProcessorCount, facts.LogicalProcessors);
        Assert.True(facts.MemoryBytes > 256L << 20);
        var qemu = await HostProbe.QemuVersionAsync("qemu-system-x86_64");
        Assert.True(qemu.Major >= 10, $"scripts/install-deps.sh installs QEMU 10 or newer, found {qemu}");
        await Assert.ThrowsAsync<QemuNotFoundException>(() => HostProbe.QemuVersionAsync("qemu-system-nube-missing"));
    }
}
