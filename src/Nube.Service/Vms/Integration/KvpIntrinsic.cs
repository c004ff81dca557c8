using System.Net.Sockets;
using System.Text;
using Nube.Contracts.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// The intrinsic pool: what the host reads about the guest, named as Hyper-V names it. Each fact
/// is its own short request; one the agent does not offer is left out, not an error. The fully
/// qualified name has no agent command: it is the host name, plus "." and the kernel's NIS
/// domain name (/proc/sys/kernel/domainname) when one is set.
/// </summary>
public static class KvpIntrinsic
{
    public const string DomainNameFile = "/proc/sys/kernel/domainname";
    private const int MaxDomainNameBytes = 256;

    public static async Task<IReadOnlyList<KvpItem>> ReadAsync(QemuSession run, CancellationToken ct)
    {
        var items = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (await AskAsync(run, (a, t) => a.GetOsInfoAsync(t), ct).ConfigureAwait(false) is { } os)
        {
            Add(items, "OSName", os.Name ?? os.PrettyName);
            Add(items, "OSVersion", os.VersionId ?? os.Version);
            Add(items, "OSKernelVersion", os.KernelRelease);
            Add(items, "ProcessorArchitecture", os.Machine);
        }
        if (await AskAsync(run, (a, t) => a.GetHostNameAsync(t), ct).ConfigureAwait(false) is { Length: > 0 } host)
        {
            Add(items, "HostName", host);
            var domain = await AskAsync(run, ReadDomainNameAsync, ct).ConfigureAwait(false);
            Add(items, "FullyQualifiedDomainName", string.IsNullOrEmpty(domain) ? host : $"{host}.{domain}");
        }
        if (await AskAsync(run, (a, t) => a.GetNetworkInterfacesAsync(t), ct).ConfigureAwait(false) is { } interfaces)
        {
            // Loopback is left out, as Hyper-V leaves it out.
            var named = interfaces.Where(i => i.Name != "lo")
                .Select(i => (i.Name, Addresses: i.Addresses.Where(a => !System.Net.IPAddress.IsLoopback(a.Address)).ToList()))
                .Where(i => i.Addresses.Count > 0).ToList();
            Add(items, "NetworkAddressIPv4", Join(named.SelectMany(i => i.Addresses), AddressFamily.InterNetwork));
            Add(items, "NetworkAddressIPv6", Join(named.SelectMany(i => i.Addresses), AddressFamily.InterNetworkV6));
            foreach (var (name, addresses) in named)
                Add(items, $"NetworkAddress.{name}", string.Join(';', addresses));
        }
        return [.. items.Select(p => new KvpItem { Pool = KvpPools.Intrinsic, Key = p.Key, Value = p.Value })];
    }

    private static string Join(IEnumerable<GuestIpAddress> addresses, AddressFamily family) =>
        string.Join(';', addresses.Where(a => a.Address.AddressFamily == family).Select(a => a.Address.ToString()));

    private static void Add(SortedDictionary<string, string> items, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            items[key] = value;
    }

    /// <summary>The NIS domain name, or "" when none is set (the kernel says "(none)").</summary>
    private static async Task<string> ReadDomainNameAsync(GuestAgentClient agent, CancellationToken ct)
    {
        var handle = await agent.OpenFileAsync(DomainNameFile, "r", ct).ConfigureAwait(false);
        byte[] bytes;
        try
        {
            bytes = (await agent.ReadFileAsync(handle, MaxDomainNameBytes, ct).ConfigureAwait(false)).Bytes;
        }
        finally
        {
            await agent.CloseFileAsync(handle, ct).ConfigureAwait(false);
        }
        var name = GuestText.Sanitize(Encoding.UTF8.GetString(bytes).Trim());
        return name == "(none)" ? "" : name;
    }

    /// <summary>One fact; null when the agent refuses the command (an older agent, a guest that forbids it).</summary>
    private static async Task<T?> AskAsync<T>(QemuSession run, Func<GuestAgentClient, CancellationToken, Task<T>> ask, CancellationToken ct)
        where T : class
    {
        try
        {
            return await run.Agent.UseAsync(ask, GuestExec.AgentWait, ct).ConfigureAwait(false);
        }
        catch (GuestAgentCommandException)
        {
            return null;
        }
    }
}
