namespace Nube.Core.Qemu;

/// <summary>
/// Where one VM's files live: the runtime folder (<c>&lt;run&gt;/vms/&lt;id&gt;</c>: sockets and
/// pidfile, gone after a reboot) and the VM folder (<c>&lt;data&gt;/vms/&lt;id&gt;</c>: what must
/// survive). Built from ids, never from names. Both are root's alone: QEMU gets descriptors.
/// </summary>
public sealed record VmRuntimePaths(string RuntimeDirectory, string VmDirectory)
{
    public string QmpSocket => Path.Join(RuntimeDirectory, "qmp.sock");
    public string AgentSocket => Path.Join(RuntimeDirectory, "qga.sock");
    public string SerialSocket => Path.Join(RuntimeDirectory, "serial.sock");
    public string PidFile => Path.Join(RuntimeDirectory, "pid");
    /// <summary>The devices QEMU really runs with and the files it was handed (libvirt's status XML), read back at reattach.</summary>
    public string RunningState => Path.Join(RuntimeDirectory, "running.json");
    public string SerialLog => Path.Join(VmDirectory, "com1.log");
    public string SavedState => Path.Join(VmDirectory, "saved.state");

    /// <summary>
    /// The VM's own UEFI variable store (generation 2), made from the firmware's template at the
    /// first start in that mode and kept, as Hyper-V keeps a VM's .vmgs. One per Secure Boot
    /// mode: the store's keys are what turns Secure Boot on, so turning it off and on again
    /// gives back each mode's own variables.
    /// </summary>
    public string UefiVars(bool secureBoot) => Path.Join(VmDirectory, secureBoot ? "uefi-vars.secureboot.fd" : "uefi-vars.fd");
}
