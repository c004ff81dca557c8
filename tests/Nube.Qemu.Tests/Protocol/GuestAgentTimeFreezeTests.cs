using Nube.Qemu.Protocol;

namespace Nube.Qemu.Tests.Protocol;

/// <summary>guest-get-time, guest-set-time and the fsfreeze commands, and the replies they refuse.</summary>
public sealed class GuestAgentTimeFreezeTests
{
    [Fact]
    public async Task Get_time_reads_nanoseconds_and_set_time_sends_them()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var reading = client.GetTimeAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-get-time"}""");
        await peer.AnswerAsync("""{"return": 1767268800123456789}""");
        Assert.Equal(1767268800123456789, await reading);

        var setting = client.SetTimeAsync(1767268800000000001);
        await peer.ExpectRequestAsync("""{"execute":"guest-set-time","arguments":{"time":1767268800000000001}}""");
        await peer.AnswerAsync("""{"return": {}}""");
        await setting;
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_time_that_is_not_a_whole_number_is_a_protocol_error()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var reading = client.GetTimeAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-get-time"}""");
        await peer.AnswerAsync("""{"return": "soon\u001b[2J"}""");

        var error = await Assert.ThrowsAsync<GuestAgentProtocolException>(() => reading);
        Assert.Equal("guest agent sent a String for 'guest-get-time', not a number of nanoseconds", error.Message);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Freeze_status_and_thaw_read_the_agents_answers()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var freezing = client.FreezeFileSystemsAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-fsfreeze-freeze"}""");
        await peer.AnswerAsync("""{"return": 2}""");
        Assert.Equal(2, await freezing);

        var asking = client.GetFreezeStatusAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-fsfreeze-status"}""");
        await peer.AnswerAsync("""{"return": "frozen"}""");
        Assert.Equal(GuestFreezeStatus.Frozen, await asking);

        var thawing = client.ThawFileSystemsAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-fsfreeze-thaw"}""");
        await peer.AnswerAsync("""{"return": 2}""");
        Assert.Equal(2, await thawing);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task An_unknown_freeze_status_or_a_negative_count_is_a_protocol_error()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var asking = client.GetFreezeStatusAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-fsfreeze-status"}""");
        await peer.AnswerAsync("""{"return": "melting\u202e"}""");
        var error = await Assert.ThrowsAsync<GuestAgentProtocolException>(() => asking);
        Assert.Equal("guest agent sent an unknown freeze status 'melting?'", error.Message);

        // The reply was whole, if wrong: the channel stays in step, and no sync is needed.
        var thawing = client.ThawFileSystemsAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-fsfreeze-thaw"}""");
        await peer.AnswerAsync("""{"return": -1}""");
        error = await Assert.ThrowsAsync<GuestAgentProtocolException>(() => thawing);
        Assert.Equal("guest agent's reply to 'guest-fsfreeze-thaw' is not a count of file systems", error.Message);
        await client.DisposeAsync();
    }
}
