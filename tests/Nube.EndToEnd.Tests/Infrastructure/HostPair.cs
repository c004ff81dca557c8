using Nube.Contracts.Hosts;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Two hosts on this machine that trust each other (each the other's peer, "a" and "b"), as two
/// machines would: each nubed in a network namespace of its own, linked to the other's by a veth
/// pair with an address each, with its own data, run folder and cgroups; and a folder both reach
/// at the same path: the shared storage.
/// </summary>
public sealed class HostPair : IAsyncDisposable
{
    private const int Port = 8443;
    private readonly NetNamespace[] namespaces;

    private HostPair(NubedHost a, NubedHost b, string shared, NetNamespace[] namespaces, string link)
    {
        LinkA = link;
        A = a;
        B = b;
        Shared = shared;
        this.namespaces = namespaces;
    }

    public NubedHost A { get; }
    public NubedHost B { get; }
    public string Shared { get; }
    public NetNamespace NamespaceA => namespaces[0];
    public NetNamespace NamespaceB => namespaces[1];
    /// <summary>a's end of the link between the hosts (set it down to cut them apart).</summary>
    public string LinkA { get; }

    public static async Task<HostPair> StartAsync(ITestOutputHelper output)
    {
        var na = await NetNamespace.MakeAsync();
        var nb = await NetNamespace.MakeAsync();
        var subnet = $"10.{Random.Shared.Next(200, 250)}.{Random.Shared.Next(256)}";
        var (link, _) = await na.LinkAsync(nb, $"{subnet}.1/24", $"{subnet}.2/24");
        NubedHost? a = null, b = null;
        try
        {
            a = await NubedHost.StartWrappedAsync(output, root => [.. HostCgroup.Wrap(root), .. na.Exec], "--listen", $"https://{subnet}.1:{Port}");
            b = await NubedHost.StartWrappedAsync(output, root => [.. HostCgroup.Wrap(root), .. nb.Exec], "--listen", $"https://{subnet}.2:{Port}");
            var shared = Directory.CreateDirectory(Path.Combine(a.Root, "shared")).FullName;
            File.SetUnixFileMode(shared, (UnixFileMode)Convert.ToInt32("755", 8));
            await b.Client.SetHostAsync(new HostSettings { StorageRoots = [TestGuest.Directory, b.Root, shared] });
            await TrustAsync(a, b, "b");
            await TrustAsync(b, a, "a");
            return new HostPair(a, b, shared, [na, nb], link);
        }
        catch
        {
            foreach (var host in new[] { b, a }.OfType<NubedHost>())
                await DisposeHostAsync(host);
            await nb.DisposeAsync();
            await na.DisposeAsync();
            throw;
        }
    }

    /// <summary>Makes <paramref name="peer"/> a peer of <paramref name="host"/>, with a token of a user of its own.</summary>
    private static async Task TrustAsync(NubedHost host, NubedHost peer, string name)
    {
        await peer.Client.AddUserAsync("peer", "correct horse battery");
        var token = await peer.Client.CreateTokenAsync(new() { Name = "peer", UserName = "peer" });
        var info = await peer.Client.GetHostAsync();
        var url = peer.Listen ?? throw new InvalidOperationException("the peer has no TLS listener");
        await host.Client.Peers.AddAsync(new PeerSettings { Name = name, Url = url, Fingerprint = info.Remote.CertificateFingerprint, Token = token.Secret });
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeHostAsync(B);
        await DisposeHostAsync(A);
        foreach (var ns in namespaces)
            await ns.DisposeAsync();
    }

    private static async Task DisposeHostAsync(NubedHost host)
    {
        var root = host.Root;
        await host.DisposeAsync();
        HostCgroup.Remove(root);
    }
}
