using Nube.Contracts.HostSystem;
using Nube.Service.HostSystem;

namespace Nube.Service.Tests.HostSystem;

public sealed class AptOutputTests
{
    [Fact]
    public void Reads_apt_list_upgradable()
    {
        const string output = """
            Listing...
            libssl3/oldstable-security 3.0.22-1~deb12u2 amd64 [upgradable from: 3.0.19-1~deb12u2]
            qemu-system-x86/bookworm-backports 1:10.0.3+ds-1~bpo12+1 amd64 [upgradable from: 1:10.0.2+ds-2+deb13u1~bpo12+1]
            libssl3/oldstable-security 3.0.22-1~deb12u2 i386 [upgradable from: 3.0.19-1~deb12u2]
            ovmf/oldstable,oldstable 2022.11-6+deb12u3 all [upgradable from: 2022.11-6+deb12u2]
            N: There is 1 additional version. Please use the '-a' switch to see it
            """;
        Assert.Equal(
        [
            new PackageUpdate { Package = "libssl3", Installed = "3.0.19-1~deb12u2", Candidate = "3.0.22-1~deb12u2" },
            new PackageUpdate { Package = "qemu-system-x86", Installed = "1:10.0.2+ds-2+deb13u1~bpo12+1", Candidate = "1:10.0.3+ds-1~bpo12+1" },
            new PackageUpdate { Package = "ovmf", Installed = "2022.11-6+deb12u2", Candidate = "2022.11-6+deb12u3" },
        ], AptUpgradable.Parse(output));
    }

    [Theory]
    [InlineData("qemu-system-x86", true)]
    [InlineData("qemu-utils", true)]
    [InlineData("ovmf", true)]
    [InlineData("tmux", true)]
    [InlineData("iproute2", true)]
    [InlineData("libqemu", false)]
    [InlineData("apt", false)]
    public void Knows_the_packages_nube_uses(string package, bool used) => Assert.Equal(used, NubePackages.Contains(package));

    [Theory]
    [InlineData("dlstatus:1:50:Retrieving file 1 of 2", "downloading: Retrieving file 1 of 2", 20)]
    [InlineData("dlstatus:2:100:Retrieving file 2 of 2", "downloading: Retrieving file 2 of 2", 40)]
    [InlineData("pmstatus:qemu-utils:0:Preparing to configure qemu-utils (amd64)", "installing: Preparing to configure qemu-utils (amd64)", 40)]
    [InlineData("pmstatus:ovmf:50.5:Unpacking ovmf: 1:2", "installing: Unpacking ovmf: 1:2", 70)]
    [InlineData("pmstatus:dpkg-exec:100:Running dpkg", "installing: Running dpkg", 100)]
    public void Turns_apt_status_lines_into_a_growing_percentage(string line, string phase, int percent) =>
        Assert.Equal((phase, percent), AptStatus.Read(line));

    [Theory]
    [InlineData("Reading package lists...")]
    [InlineData("pmstatus:qemu-utils:abc:x")]
    [InlineData("pmstatus:qemu-utils:150:x")]
    [InlineData("pmerror:qemu-utils:10:failed")]
    [InlineData("dlstatus:1:50")]
    public void Other_lines_are_not_progress(string line) => Assert.Null(AptStatus.Read(line));

    [Theory]
    [InlineData("NTP=yes\nNTPSynchronized=yes\n", NtpStates.Synchronized)]
    [InlineData("NTP=yes\nNTPSynchronized=no\n", NtpStates.Active)]
    [InlineData("NTP=no\nNTPSynchronized=no\n", NtpStates.Inactive)]
    [InlineData("", NtpStates.Unknown)]
    [InlineData("NTP=maybe\n", NtpStates.Unknown)]
    public void Reads_the_ntp_state_of_timedatectl(string output, string state) => Assert.Equal(state, TimedatectlShow.NtpState(output));
}
