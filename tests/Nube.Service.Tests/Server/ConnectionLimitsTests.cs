using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Nube.Service.Server;

namespace Nube.Service.Tests.Server;

public sealed class ConnectionLimitsTests
{
    [Fact]
    public void An_address_holds_its_limit_of_connections_and_gets_a_place_back_when_one_ends()
    {
        using var limits = new ConnectionLimits(NullLogger<ConnectionLimits>.Instance);
        var client = IPAddress.Parse("192.0.2.1");
        var open = Enumerable.Range(0, ConnectionLimits.PerAddress).Select(_ => limits.TryOpen(client)).ToList();
        Assert.All(open, l => Assert.True(l.IsAcquired));

        using (var over = limits.TryOpen(client))
            Assert.False(over.IsAcquired);
        using (var other = limits.TryOpen(IPAddress.Parse("192.0.2.2")))
            Assert.True(other.IsAcquired);
        // The same address mapped into IPv6 (a dual-mode listener) counts alike.
        using (var mapped = limits.TryOpen(IPAddress.Parse("::ffff:192.0.2.1")))
            Assert.False(mapped.IsAcquired);

        open[0].Dispose();
        using (var again = limits.TryOpen(client))
            Assert.True(again.IsAcquired);
        open.ForEach(l => l.Dispose());
    }

    [Fact]
    public void All_addresses_together_hold_the_total()
    {
        using var limits = new ConnectionLimits(NullLogger<ConnectionLimits>.Instance);
        var open = Enumerable.Range(0, ConnectionLimits.Total).Select(i => limits.TryOpen(new IPAddress([10, 0, (byte)(i / 250), (byte)(i % 250 + 1)]))).ToList();
        Assert.All(open, l => Assert.True(l.IsAcquired));

        using (var over = limits.TryOpen(IPAddress.Parse("192.0.2.9")))
            Assert.False(over.IsAcquired);
        open.ForEach(l => l.Dispose());
        using var after = limits.TryOpen(IPAddress.Parse("192.0.2.9"));
        Assert.True(after.IsAcquired);
    }
}
