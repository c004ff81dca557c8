using System.Security.Authentication;
using Nube.Contracts.Client;
using Nube.Core.Hosts;

namespace Nube.Service.Hosts;

/// <summary>
/// One connection to a peer, over TLS with its pinned certificate and with its token, for calls
/// that should not each pay for a handshake (a move's Prepare and Finish: the guest is paused
/// during the second).
/// </summary>
public sealed class PeerConnection : IDisposable
{
    private readonly HostPeer peer;
    private readonly NubeApiClient client;
    private string? presented;

    public PeerConnection(HostPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        this.peer = peer;
        client = NubeApiClient.ForPinnedUrl(new Uri(peer.Url), peer.Token, peer.Fingerprint, HostPeers.CheckTimeout, f => presented = f);
    }

    /// <summary>The call's answer, or why there is none (another certificate, a refused token, no answer) in words an operator can act on.</summary>
    public async Task<(T? Value, string? Problem)> CallAsync<T>(Func<NubeApiClient, CancellationToken, Task<T>> call, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return (await call(client, ct).ConfigureAwait(false), null);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException && presented is not null)
        {
            return (null, $"{peer.Url} presents a certificate whose SHA-256 fingerprint is {HostPeers.Colons(presented)}, not the pinned " +
                $"{HostPeers.Colons(peer.Fingerprint)}; compare with 'nube host info' on that host");
        }
        catch (NubeApiException e) when (e.Status is 401 or 403)
        {
            return (null, $"{peer.Url} refused the token ({e.Message}); make one there with 'nube token new'");
        }
        catch (NubeApiException e)
        {
            // It answered, and refused: an older Nube without the route, or a request it judged wrong.
            return (null, $"{peer.Url} answered {e.Status}: {e.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (null, $"{peer.Url} did not answer: {e.Message}");
        }
    }

    public void Dispose() => client.Dispose();
}
