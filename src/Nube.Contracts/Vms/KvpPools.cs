namespace Nube.Contracts.Vms;

/// <summary>The three pools of data exchange (KVP), as Hyper-V has them.</summary>
public static class KvpPools
{
    /// <summary>Pairs the host keeps and writes into the guest.</summary>
    public const string Host = "host";
    /// <summary>Pairs the guest writes for the host to read.</summary>
    public const string Guest = "guest";
    /// <summary>Facts the host reads from the guest: OS, kernel, host name, addresses.</summary>
    public const string Intrinsic = "intrinsic";

    public static IReadOnlyList<string> All { get; } = [Host, Guest, Intrinsic];
}
