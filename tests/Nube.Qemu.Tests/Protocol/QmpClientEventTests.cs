using System.Text;
using System.Text.Json;
using Nube.Qemu.Protocol;

namespace Nube.Qemu.Tests.Protocol;

/// <summary>QEMU's events: their own stream, waiters registered before a command, a bounded queue.</summary>
public sealed class QmpClientEventTests
{
    [Fact]
    public async Task Events_between_a_request_and_its_reply_reach_the_event_stream()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();
        await using var events = client.Events.GetAsyncEnumerator();

        Task stopping = client.StopAsync();
        long id = await peer.ExpectCommandAsync("stop");
        await peer.SendEventAsync("STOP");
        await peer.SendLineAsync("""{"event": "RESUME", "timestamp": {"seconds": 1767225601, "microseconds": 5}}""");
        await peer.ReplyAsync(id);
        await stopping;

        Assert.True(await events.MoveNextAsync());
        Assert.Equal("STOP", events.Current.Name);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(250), events.Current.Timestamp);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("RESUME", events.Current.Name);
        Assert.Equal(JsonValueKind.Object, events.Current.Data.ValueKind);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task WaitForEvent_registered_before_the_command_sees_an_event_sent_before_the_reply()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<QmpEvent> deleted = client.WaitForEventAsync(
            "DEVICE_DELETED", e => e.Data.GetProperty("device").GetString() == "disk1", ScriptedPeer.StepTimeout);
        Task<JsonElement> deleting = client.ExecuteAsync("device_del", new { id = "disk1" });
        long id = await peer.ExpectCommandAsync("device_del");
        await peer.SendEventAsync("DEVICE_DELETED", """{"device": "disk0", "path": "/machine/peripheral/disk0"}""");
        await peer.SendEventAsync("DEVICE_DELETED", """{"device": "disk1", "path": "/machine/peripheral/disk1"}""");
        await peer.ReplyAsync(id);

        await deleting;
        QmpEvent seen = await deleted;
        Assert.Equal("/machine/peripheral/disk1", seen.Data.GetProperty("path").GetString());

        await using var events = client.Events.GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("disk0", events.Current.Data.GetProperty("device").GetString());
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_throwing_filter_fails_only_its_own_wait()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();
        var broken = new InvalidOperationException("filter bug");

        Task<QmpEvent> failing = client.WaitForEventAsync("RESET", _ => throw broken, ScriptedPeer.StepTimeout);
        Task<QmpEvent> working = client.WaitForEventAsync("RESET", null, ScriptedPeer.StepTimeout);
        await peer.SendLineAsync("""{"greeting": "not a reply nor an event"}""");
        await peer.SendEventAsync("RESET", """{"guest": true, "reason": "guest-reset"}""");

        Assert.Same(broken, await Assert.ThrowsAsync<InvalidOperationException>(() => failing));
        Assert.Equal("guest-reset", (await working).Data.GetProperty("reason").GetString());
        Assert.Equal(ConnectionState.Ready, client.State);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task WaitForEvent_times_out_naming_the_event()
    {
        var (client, _) = await QmpPeer.ConnectAsync();

        var error = await Assert.ThrowsAsync<QmpTimeoutException>(() => client.WaitForEventAsync("SHUTDOWN", null, TimeSpan.FromMilliseconds(100)));

        Assert.Equal("QMP event 'SHUTDOWN' did not arrive within 0.1 s", error.Message);
        Assert.Equal("SHUTDOWN", error.EventName);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task The_event_queue_drops_the_oldest_event_beyond_its_capacity()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<JsonElement> executing = client.ExecuteAsync("query-name");
        long id = await peer.ExpectCommandAsync("query-name");
        var burst = new StringBuilder();
        for (int n = 0; n <= QmpClient.EventQueueCapacity; n++)
        {
            burst.Append($$$"""{"event": "BALLOON_CHANGE", "data": {"actual": {{{n}}}}, "timestamp": {"seconds": 1, "microseconds": 0}}""").Append("\r\n");
        }

        await peer.SendRawAsync(Encoding.UTF8.GetBytes(burst.ToString()));
        await peer.ReplyAsync(id);
        await executing; // the reply follows the events, so all of them have been queued

        await using var events = client.Events.GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(1, events.Current.Data.GetProperty("actual").GetInt32());
        await client.DisposeAsync();
    }
}
