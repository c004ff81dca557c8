using System.Net;
using System.Threading.RateLimiting;

namespace Nube.Service.Auth;

/// <summary>
/// Bounds password guessing: at most <see cref="PerUserPerMinute"/> sign-in attempts per user name
/// and <see cref="PerAddressPerMinute"/> per client address (an IPv6 client by its /64, which one
/// machine usually owns whole) in each minute, right or wrong. The per-name limit lets a guesser
/// lock a user out of the web console for a minute at a time; root on the UNIX socket is never
/// locked out, and guessing stays as slow as intended. An attempt counts against its address
/// before its body is read, so that malformed attempts count too.
/// </summary>
public sealed class SignInLimiter : IDisposable
{
    public const int PerUserPerMinute = 5;
    public const int PerAddressPerMinute = 20;
    /// <summary>Names longer than any user's are all wrong alike; cutting them bounds what a partition key holds.</summary>
    private const int MaxKeyLength = 64;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string> byAddress = Create(PerAddressPerMinute);
    private readonly PartitionedRateLimiter<string> byUser = Create(PerUserPerMinute);

    /// <summary>Takes one attempt from an address; null when it may go ahead, else how long until the next one may.</summary>
    public TimeSpan? TryAddress(IPAddress? client)
    {
        using var address = byAddress.AttemptAcquire(AddressKey(client));
        return address.IsAcquired ? null : RetryAfter(address);
    }

    /// <summary>Takes one attempt for a user name (after <see cref="TryAddress"/>); null when it may go ahead.</summary>
    public TimeSpan? TryUser(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        using var user = byUser.AttemptAcquire(userName.Length > MaxKeyLength ? userName[..MaxKeyLength] : userName);
        return user.IsAcquired ? null : RetryAfter(user);
    }

    public void Dispose()
    {
        byAddress.Dispose();
        byUser.Dispose();
    }

    public static string AddressKey(IPAddress? client)
    {
        if (client is null)
            return "";
        if (client.IsIPv4MappedToIPv6)
            return client.MapToIPv4().ToString();
        if (client.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            return client.ToString();
        var prefix = client.GetAddressBytes();
        Array.Clear(prefix, 8, 8);
        return $"{new IPAddress(prefix)}/64";
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;

    private static PartitionedRateLimiter<string> Create(int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = Window, QueueLimit = 0, AutoReplenishment = true,
        }));
}
