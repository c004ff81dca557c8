namespace Nube.Linux.Processes;

/// <summary>The uid and gid one VM's QEMU runs as: its own, shared with no other VM and no login.</summary>
public sealed record VmUser(uint Uid, uint Gid)
{
    /// <summary>
    /// util-linux's setpriv in front of the program: the VM's uid and gid, no supplementary group
    /// but <paramref name="kvmGroup"/> (for /dev/kvm), no capability in any set, and no_new_privs,
    /// so that nothing the program runs later can gain a privilege back.
    /// </summary>
    public IReadOnlyList<string> Setpriv(uint? kvmGroup) =>
    [
        "setpriv", $"--reuid={Uid}", $"--regid={Gid}", kvmGroup is { } kvm ? $"--groups={kvm}" : "--clear-groups",
        "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
    ];
}
