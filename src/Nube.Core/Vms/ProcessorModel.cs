namespace Nube.Core.Vms;

/// <summary>
/// The virtual processor a VM is pinned to (<see cref="VmConfig.Processor"/>), as Hyper-V's
/// processor compatibility mode: what the guest sees must not change under it when it moves or
/// restores elsewhere.
/// </summary>
public enum ProcessorModel
{
    /// <summary>
    /// A fixed x86-64-v2 processor with AES (QEMU's <c>qemu64</c> with SSE4.2, SSSE3, POPCNT, AES
    /// and PCLMULQDQ, CX16 and LAHF; Proxmox's default <c>x86-64-v2-AES</c>). AES comes with
    /// PCLMULQDQ on every real processor, and Linux's AES-GCM code assumes it (without it Debian 12's
    /// kernel oopses loading aesni_intel). The same on every host and QEMU
    /// version that runs it, so the VM moves and restores between any of them. QEMU refuses to
    /// start it on a host whose processor lacks one of these (<c>enforce</c>) rather than hide it.
    /// The default for a new VM.
    /// </summary>
    Compatible,
    /// <summary>
    /// Everything the host offers: its own processor under KVM (<c>host</c>), all QEMU emulates
    /// under TCG (<c>max</c>). The fastest, but a move or restore needs a host with the same
    /// processor (KVM) or the same QEMU (TCG). What a VM made before pinning has.
    /// </summary>
    Host,
}
