namespace Nube.Core.Qemu;

/// <summary>What the launcher runs and what it must check and prepare first.</summary>
/// <param name="Argv">The whole command; argv[0] is the QEMU binary.</param>
/// <param name="RequiredFiles">Kernel, initrd and firmware code that QEMU reads by path (they must exist and be readable by every user).</param>
/// <param name="FilesFromTemplates">Files the launcher makes from a template when they do not exist yet (a VM's UEFI variables).</param>
/// <param name="Descriptors">What the launcher opens and passes to QEMU, at the descriptor numbers the argv names.</param>
/// <param name="RestoreFdSet">The fdset holding the saved state to restore (<c>file:/dev/fdset/N</c>), if any.</param>
/// <param name="Limits">What the VM's cgroup allows its QEMU.</param>
/// <param name="FileNodes">The fdset of each disk's block node file (<c>disk3-file</c>), which a hot remove lets go of.</param>
public sealed record LaunchPlan(IReadOnlyList<string> Argv, IReadOnlyList<RequiredFile> RequiredFiles,
    IReadOnlyList<FileFromTemplate> FilesFromTemplates, IReadOnlyList<PassedDescriptor> Descriptors, int? RestoreFdSet = null,
    Vms.ResourceLimits? Limits = null, IReadOnlyDictionary<string, int>? FileNodes = null)
{
    /// <summary>
    /// The TAPs that the launcher makes (and plugs into their switches' bridges) before it opens
    /// them; a port on no switch starts with its link down (QMP <c>set_link</c> before the VM runs).
    /// </summary>
    public IReadOnlyList<SwitchPort> Ports { get; init; } = [];
}

/// <summary>A VM adapter's port: the TAP nubed makes for it, by name, and the switch it plugs into (none when null).</summary>
/// <param name="VmName">For the TAP's alias, so that an operator can tell whose it is.</param>
/// <param name="MultiQueue">A queue pair per vCPU (virtio-net with more than one vCPU): the TAP is made with multi_queue.</param>
/// <param name="Guards">What the switch drops of what the guest sends through this port.</param>
/// <param name="Vlan">The VLAN the port is an access port of, on its switch (1 is the untagged default).</param>
/// <param name="BandwidthMbps">The most the port carries each way, in Mbit/s; null is no limit.</param>
/// <param name="Weight">Its share of a contended link (<see cref="Switches.BandwidthShares"/>); null is none.</param>
public sealed record SwitchPort(string VmName, string AdapterId, string Tap, string? Switch, bool MultiQueue, PortGuards Guards, int Vlan = 1,
    int? BandwidthMbps = null, int? Weight = null);

/// <summary>The adapter's security settings as its port applies them (see <see cref="Switches.PortGuardRules"/>).</summary>
/// <param name="Mac">The adapter's MAC; frames (and ARP) from any other are dropped unless <paramref name="MacAddressSpoofing"/>.</param>
/// <param name="Addresses">The addresses the guest may send from (<see cref="Vms.NetworkAdapter.AllowedAddresses"/>); null: any.</param>
public sealed record PortGuards(string? Mac, bool MacAddressSpoofing, bool DhcpGuard, bool RouterGuard, string? Addresses = null);
