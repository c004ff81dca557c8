namespace Nube.Qemu.Protocol;

/// <summary>Reply of <c>query-kvm</c>.</summary>
public sealed record KvmInfo
{
    /// <summary>This QEMU process runs its vCPUs on KVM.</summary>
    public required bool Enabled { get; init; }

    /// <summary>QEMU was built with KVM support (the host may still lack /dev/kvm).</summary>
    public required bool Present { get; init; }
}
