using Nube.Linux.Processes;

namespace Nube.Linux.Network;

/// <summary>
/// Keeps VMs' user-mode networking away from the host's own services. QEMU's user-mode stack
/// (slirp) turns a guest's connection to 10.0.2.2 into one from the QEMU process to the
/// host's loopback, where nubed's API and everything else bound to 127.0.0.1 listen. One
/// nftables table drops every packet that a process of the VM uid range sends to an address of
/// the host itself, but DNS (slirp forwards the guest's queries to the host's resolver, which
/// may listen on loopback). Other hosts stay reachable, as user-mode networking promises.
/// </summary>
public static class LoopbackGuard
{
    /// <summary>Every uid a VM's QEMU may have: nubed refuses a range outside it, so one rule covers every nubed of the host.</summary>
    public const uint FirstVmUid = 0x70000000;
    public const uint LastVmUid = 0x7FFFFFFE;
    public const string Table = "nube_vm_guard";

    private static readonly string Rules = $$"""
        table inet {{Table}}
        delete table inet {{Table}}
        table inet {{Table}} {
          chain output {
            type filter hook output priority filter; policy accept;
            meta skuid {{FirstVmUid}}-{{LastVmUid}} fib daddr type local udp dport 53 accept
            meta skuid {{FirstVmUid}}-{{LastVmUid}} fib daddr type local tcp dport 53 accept
            meta skuid {{FirstVmUid}}-{{LastVmUid}} fib daddr type local meta l4proto tcp reject with tcp reset
            meta skuid {{FirstVmUid}}-{{LastVmUid}} fib daddr type local reject
          }
        }

        """;

    /// <summary>Installs the table, replacing an older copy whole; null when it is in place, else why not.</summary>
    public static Task<string?> InstallAsync(CancellationToken ct) =>
        Nft.ApplyAsync(Rules, (command, t) => ProcessRunner.RunAsync(command, t), ct);
}
