using System.Collections.Immutable;
using Nube.Contracts.Client;
using Nube.Contracts.Hosts;
using Nube.Core.Hosts;
using Nube.Core.Serialization;
using Nube.Core.Validation;
using Nube.Service.Auth;

namespace Nube.Service.Hosts;

/// <summary>
/// The hosts this one trusts (<c>&lt;data&gt;/peers.json</c>, 0600: it holds their tokens). A
/// peer is added only once it answered at its address with the certificate of the pinned
/// fingerprint and took the token; every later call to it pins the same certificate.
/// </summary>
public sealed class HostPeers
{
    /// <summary>A peer that does not answer within this is reported as unreachable, not waited for.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(10);

    private readonly SecretListFile<HostPeer> file;
    private readonly TimeProvider time;

    public HostPeers(string dataDirectory, TimeProvider time)
    {
        var path = Path.Combine(dataDirectory, "peers.json");
        file = new SecretListFile<HostPeer>(path,
            json => ConfigDocument.Parse<PeerDocument>(json, PeerDocument.CurrentSchemaVersion, path).Peers,
            peers => ConfigDocument.Write(new PeerDocument { Peers = peers }));
        this.time = time;
    }

    public ImmutableArray<HostPeer> All => file.Items;

    public HostPeer? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Checks the request and the peer itself, then keeps it.</summary>
    /// <param name="ownFingerprint">This host's own certificate's, if it has one: a host is not its own peer.</param>
    /// <exception cref="ValidationException">The request is wrong, or the peer did not answer as it must.</exception>
    public async Task<PeerInfo> AddAsync(PeerSettings request, string? ownFingerprint, CancellationToken ct)
    {
        var errors = PeerRules.Validate(request.Name, request.Url, request.Fingerprint, request.Token, All).ToList();
        if (errors.Count == 0 && ownFingerprint is not null && PeerRules.Fingerprint(request.Fingerprint!) == PeerRules.Fingerprint(ownFingerprint))
            errors.Add(new("fingerprint", request.Fingerprint!, "fingerprint: it is this host's own certificate; a peer is another host"));
        if (errors.Count > 0)
            throw new ValidationException(errors);
        var peer = new HostPeer
        {
            Name = request.Name!, Url = new Uri(request.Url!).ToString(), Fingerprint = PeerRules.Fingerprint(request.Fingerprint!), Token = request.Token!,
            AddedAt = time.GetUtcNow(),
        };
        var (info, problem) = await AskAsync(peer, ct).ConfigureAwait(false);
        if (problem is not null)
            throw new ValidationException([new("url", peer.Url, $"url: the peer was not added: {problem}")]);
        peer = peer with { HostName = info!.HostName };
        await file.ChangeAsync(peers =>
        {
            if (PeerRules.Validate(peer.Name, peer.Url, peer.Fingerprint, peer.Token, peers) is { Count: > 0 } late)
                throw new ValidationException(late);
            return (peers.Add(peer), true);
        }, ct).ConfigureAwait(false);
        return ToInfo(peer, info);
    }

    /// <exception cref="PeerNotFoundException">No peer of that name.</exception>
    public Task<PeerInfo> RemoveAsync(string name, CancellationToken ct) =>
        file.ChangeAsync(peers =>
        {
            var peer = peers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new PeerNotFoundException($"'{name}' is not a peer of this host ({(peers.IsEmpty ? "it has none" : "it has " + string.Join(", ", peers.Select(p => p.Name)))})");
            return (peers.Remove(peer), ToInfo(peer, null));
        }, ct);

    /// <summary>Each peer, asked now when <paramref name="check"/> (all at once, each within <see cref="CheckTimeout"/>).</summary>
    public async Task<IReadOnlyList<PeerInfo>> ListAsync(bool check, CancellationToken ct)
    {
        var peers = All;
        if (!check)
            return [.. peers.Select(p => ToInfo(p, null))];
        var answers = await Task.WhenAll(peers.Select(p => AskAsync(p, ct))).ConfigureAwait(false);
        return [.. peers.Select((p, i) => ToInfo(p, answers[i].Info, answers[i].Problem, asked: true))];
    }

    /// <summary>The peer's host information, or why not.</summary>
    private static Task<(HostInfo? Info, string? Problem)> AskAsync(HostPeer peer, CancellationToken ct) =>
        CallAsync(peer, (client, t) => client.GetHostAsync(t), ct);

    /// <summary>
    /// Calls the peer over TLS with its pinned certificate and with its token, within
    /// <see cref="CheckTimeout"/>; or says why it could not (another certificate, a refused token,
    /// no answer) in words an operator can act on.
    /// </summary>
    public static async Task<(T? Value, string? Problem)> CallAsync<T>(HostPeer peer, Func<NubeApiClient, CancellationToken, Task<T>> call, CancellationToken ct)
        where T : class
    {
        using var connection = new PeerConnection(peer);
        return await connection.CallAsync(call, ct).ConfigureAwait(false);
    }

    private static PeerInfo ToInfo(HostPeer peer, HostInfo? info, string? problem = null, bool asked = false) => new()
    {
        Name = peer.Name, Url = peer.Url, Fingerprint = Colons(peer.Fingerprint), HostName = info?.HostName ?? peer.HostName, AddedAt = peer.AddedAt,
        Reachable = asked || info is not null ? problem is null : null, Problem = problem,
        QemuVersion = info?.QemuVersion, CurrentMachines = info?.CurrentMachines, Edition = info?.EditionDisplayName,
    };

    /// <summary>AB:CD:... as host info shows a fingerprint.</summary>
    public static string Colons(string hex) => string.Join(':', hex.Chunk(2).Select(c => new string(c)));
}

/// <summary>The shape of <c>&lt;data&gt;/peers.json</c>.</summary>
public sealed record PeerDocument
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public ImmutableArray<HostPeer> Peers { get; init; } = [];
}

public sealed class PeerNotFoundException(string message) : Exception(message);
