using System.Net;
using System.Net.Sockets;
using Nube.Contracts.Hosts;
using Nube.Linux.Cgroups;

namespace Nube.Bench;

/// <summary>
/// Two hosts on this machine, "a" and "b", each the other's peer: each its own nubed with its own
/// data and run folders, TLS listener on loopback, range of VM uids and cgroups (as the end-to-end
/// tests' HostPair). A VM being moved has the same id on both hosts for a moment; in one cgroup
/// tree its two QEMUs would share one VM cgroup and its limits. <see cref="Shared"/> is the
/// hosts' shared storage: one folder, a storage root of each.
/// </summary>
public sealed class NubedPair : IAsyncDisposable
{
    private readonly string cgroupName;

    private NubedPair(string cgroupName, string shared) => (this.cgroupName, Shared) = (cgroupName, shared);

    /// <summary>The hosts, a first; a VM at <c>Hosts[i]</c> moves to the peer named <see cref="PeerName"/>(1 − i).</summary>
    public List<Nubed> Hosts { get; } = [];

    /// <summary>A folder both hosts reach at the same path and may keep VMs' disks in: a quick move's state goes through it.</summary>
    public string Shared { get; }

    public static string PeerName(int host) => host == 0 ? "a" : "b";

    /// <param name="tag">Names the hosts' cgroups (with the workspace's suffix, so that run.sh's last-resort cleanup finds them).</param>
    public static async Task<NubedPair> StartAsync(Workspace workspace, string guestDir, string tag,
        IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var pair = new NubedPair($"nube-bench-{Path.GetFileName(workspace.Root).Split('-')[^1]}-{tag}", workspace.Folder($"{tag}-shared"));
        try
        {
            // Each host's own 1000 VM uids, far from the ones the end-to-end tests draw (up to 100,000 blocks above the base).
            var block = 0x70000000u + 1000u * (uint)Random.Shared.Next(100_001, 200_000);
            foreach (var side in new[] { 0, 1 })
            {
                var name = PeerName(side);
                var wrap = pair.Wrap(name);
                pair.Hosts.Add(await Nubed.StartAsync(workspace.Folder($"{tag}-{name}"), guestDir, ct, environment: environment, wrap: wrap,
                    extraArgs: ["--listen", $"https://127.0.0.1:{FreePort()}", "--vm-uid-base", $"{block + 1000u * (uint)side}", "--vm-uid-count", "1000"]));
                await pair.Hosts[side].Client.SetHostAsync(new HostSettings { StorageRoots = [guestDir, pair.Shared] }, ct);
            }
            await TrustAsync(pair.Hosts[0], pair.Hosts[1], "b", ct);
            await TrustAsync(pair.Hosts[1], pair.Hosts[0], "a", ct);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>Makes <paramref name="peer"/> a peer of <paramref name="host"/>, with a token of a user of its own.</summary>
    private static async Task TrustAsync(Nubed host, Nubed peer, string name, CancellationToken ct)
    {
        await peer.Client.AddUserAsync("peer", "correct horse battery", ct);
        var token = await peer.Client.CreateTokenAsync(new() { Name = "peer", UserName = "peer" }, ct);
        var info = await peer.Client.GetHostAsync(ct);
        await host.Client.Peers.AddAsync(new PeerSettings
        {
            Name = name, Url = peer.ListenUrl, Fingerprint = info.Remote.CertificateFingerprint, Token = token.Secret,
        }, ct);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The command line that puts the (appended) nubed in the host's own cgroups, siblings of the bench's own.</summary>
    private List<string> Wrap(string host)
    {
        var folders = Folders(host);
        foreach (var folder in folders)
            Directory.CreateDirectory(folder);
        return ["/bin/sh", "-c", """while [ "$1" != -- ]; do echo $$ > "$1/cgroup.procs" || exit 126; shift; done; shift; exec "$@" """, "host-cgroup",
            .. folders, "--"];
    }

    private List<string> Folders(string host) =>
        CgroupHierarchy.Detect() is { } hierarchy
            ? [.. hierarchy.Folders.Values.Distinct().Select(f => Path.Join(Path.GetDirectoryName(f)!, $"{cgroupName}-{host}"))]
            : [];

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(Hosts))
            await host.DisposeAsync();
        // The VMs' cgroups nubed made below, then the host's own, once their processes are gone
        // (a QEMU just killed leaves its cgroup busy for a moment).
        foreach (var folder in new[] { "a", "b" }.SelectMany(Folders).Where(Directory.Exists))
        {
            foreach (var dir in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).Reverse().Append(folder))
            {
                for (var attempt = 1; Directory.Exists(dir); attempt++)
                {
                    try
                    {
                        Directory.Delete(dir);
                    }
                    catch (IOException) when (attempt < 25)
                    {
                        await Task.Delay(200);
                    }
                    catch (IOException e)
                    {
                        Console.Error.WriteLine($"bench: could not remove the cgroup {dir}: {e.Message}");
                        break;
                    }
                }
            }
        }
    }
}
