namespace Nube.Core.Hosts;

/// <summary>
/// Where the host's UEFI firmware for generation 2 VMs lives: OVMF's code images (read-only,
/// shared) and the variable-store templates each VM gets its own copy of. System files, like
/// QEMU's own: they come from the host, never from a VM's settings.
/// </summary>
/// <param name="Code">Firmware without SMM, for Secure Boot off.</param>
/// <param name="Vars">Empty variable store (no keys, Secure Boot off).</param>
/// <param name="SecureBootCode">Firmware that requires SMM, for Secure Boot on.</param>
/// <param name="SecureBootVars">Variable store with Microsoft's keys enrolled and Secure Boot on.</param>
public sealed record UefiFirmware(string Code, string Vars, string SecureBootCode, string SecureBootVars)
{
    /// <summary>Debian's <c>ovmf</c> package (4 MiB flash images: 2 MiB is too small for Secure Boot's variables).</summary>
    public static UefiFirmware Debian { get; } = new(
        "/usr/share/OVMF/OVMF_CODE_4M.fd",
        "/usr/share/OVMF/OVMF_VARS_4M.fd",
        "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
        "/usr/share/OVMF/OVMF_VARS_4M.ms.fd");
}
