using Nube.Contracts.Auth;
using Nube.Contracts.Client;
using Nube.Contracts.Hosts;
using Nube.Contracts.HostSystem;

namespace Nube.Cli.Sconfig;

/// <summary>Everything the main menu shows, asked of the host service at once before each drawing.</summary>
internal sealed record MenuSnapshot(
    Fetched<HostInfo> Host,
    Fetched<HostSystemInfo> System,
    Fetched<HostUpdates> Updates,
    Fetched<IReadOnlyList<UserInfo>> Users)
{
    public static async Task<MenuSnapshot> LoadAsync(NubeApiClient client, CancellationToken ct)
    {
        var host = Fetched<HostInfo>.FromAsync(() => client.GetHostAsync(ct));
        var system = Fetched<HostSystemInfo>.FromAsync(() => client.GetHostSystemAsync(ct));
        var updates = Fetched<HostUpdates>.FromAsync(() => client.GetHostUpdatesAsync(ct));
        var users = Fetched<IReadOnlyList<UserInfo>>.FromAsync(() => client.ListUsersAsync(ct));
        return new(await host, await system, await updates, await users);
    }
}
