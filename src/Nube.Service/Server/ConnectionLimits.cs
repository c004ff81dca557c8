using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Nube.Service.Auth;

namespace Nube.Service.Server;

/// <summary>
/// Bounds the TCP listener's connections, so that one client cannot take nubed's file
/// descriptors: at most <see cref="PerAddress"/> open at once from one address (an IPv6 client by
/// its /64, as the sign-in limit counts it) and <see cref="Total"/> from all together. A
/// connection over a limit is closed at once, before TLS or HTTP. The UNIX socket is never
/// counted, so root's CLI works through any flood.
/// </summary>
public sealed class ConnectionLimits(ILogger<ConnectionLimits> logger) : IDisposable
{
    /// <summary>
    /// A constant rather than a setting: a browser holds about six connections, each console page
    /// two WebSockets and one event stream; 64 leaves room for several people behind one NAT.
    /// </summary>
    public const int PerAddress = 64;

    /// <summary>All TCP clients together: far below the descriptors nubed may open (its soft limit is raised to the hard one).</summary>
    public const int Total = 1024;

    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<IPAddress> limiter = PartitionedRateLimiter.CreateChained(
        PartitionedRateLimiter.Create<IPAddress, string>(a => Concurrency(SignInLimiter.AddressKey(a), PerAddress)),
        PartitionedRateLimiter.Create<IPAddress, string>(_ => Concurrency("", Total)));

    /// <summary>When the next refusal may be logged (Environment.TickCount64).</summary>
    private long nextLog;

    /// <summary>Takes a place for a connection from <paramref name="client"/>; the lease, disposed when the connection ends, gives it back.</summary>
    public RateLimitLease TryOpen(IPAddress client) => limiter.AttemptAcquire(client);

    /// <summary>Puts the limits in front of a TCP listener's connections (Kestrel's endpoint defaults); other listeners are left alone.</summary>
    public static void Apply(ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        if (listen.EndPoint is not IPEndPoint)
            return;
        var limits = listen.ApplicationServices.GetRequiredService<ConnectionLimits>();
        listen.Use(next => async connection =>
        {
            if (connection.RemoteEndPoint is not IPEndPoint remote)
            {
                await next(connection);
                return;
            }
            using var lease = limits.TryOpen(remote.Address);
            if (!lease.IsAcquired)
            {
                limits.Refused(remote.Address);
                connection.Abort(new ConnectionAbortedException("Too many connections."));
                return;
            }
            await next(connection);
        });
    }

    public void Dispose() => limiter.Dispose();

    /// <summary>Said once a minute at most: a flood would otherwise flood the log too.</summary>
    private void Refused(IPAddress client)
    {
        var now = Environment.TickCount64;
        var next = Interlocked.Read(ref nextLog);
        if (now < next || Interlocked.CompareExchange(ref nextLog, now + (long)LogEvery.TotalMilliseconds, next) != next)
            return;
        logger.LogWarning("Refused TCP connections over the limits ({PerAddress} per address, {Total} in all), the first from {Client}",
            PerAddress, Total, client);
    }

    private static RateLimitPartition<string> Concurrency(string key, int permits) =>
        RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = 0 });
}
