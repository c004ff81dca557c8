using Nube.Contracts.Hosts;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Two hosts on this machine that trust each other (each the other's peer, "a" and "b"), each
/// with its own data, run folder, listener and cgroups, and a folder both reach at the same
/// path: the shared storage.
/// </summary>
public sealed class HostPair : IAsyncDisposable
{
    private HostPair(NubedHost a, NubedHost b, string shared)
    {
        A = a;
        B = b;
        Shared = shared;
    }

    public NubedHost A { get; }
    public NubedHost B { get; }
    public string Shared { get; }

    public static async Task<HostPair> StartAsync(ITestOutputHelper output)
    {
        var a = await NubedHost.StartWrappedAsync(output, HostCgroup.Wrap, "--listen", $"https://127.0.0.1:{RemoteApi.FreePort()}");
        NubedHost? b = null;
        try
        {
            b = await NubedHost.StartWrappedAsync(output, HostCgroup.Wrap, "--listen", $"https://127.0.0.1:{RemoteApi.FreePort()}");
            var shared = Directory.CreateDirectory(Path.Combine(a.Root, "shared")).FullName;
            File.SetUnixFileMode(shared, (UnixFileMode)Convert.ToInt32("755", 8));
            await b.Client.SetHostAsync(new HostSettings { StorageRoots = [TestGuest.Directory, b.Root, shared] });
            await TrustAsync(a, b, "b");
            await TrustAsync(b, a, "a");
            return new HostPair(a, b, shared);
        }
        catch
        {
            if (b is not null)
                await DisposeHostAsync(b);
            await DisposeHostAsync(a);
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
    }

    private static async Task DisposeHostAsync(NubedHost host)
    {
        var root = host.Root;
        await host.DisposeAsync();
        HostCgroup.Remove(root);
    }
}
