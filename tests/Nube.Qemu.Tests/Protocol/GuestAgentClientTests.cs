using System.Text;
using Nube.Qemu.Protocol;

namespace Nube.Qemu.Tests.Protocol;

public sealed class GuestAgentClientTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Sync_discards_stale_output_before_the_delimiter()
    {
        var (clientStream, peerStream) = DuplexStream.CreatePair();
        var peer = new ScriptedPeer(peerStream);
        Task<GuestAgentClient> connecting = GuestAgentClient.ConnectAsync(clientStream, AgentPeer.SyncTimeout);

        await peer.AnswerSyncAsync("""{"return": {"version": "7.2.0"}}""" + "\n{\"ret unfinished garbage without newline");
        var client = await connecting.WaitAsync(ScriptedPeer.StepTimeout);

        Assert.Equal(ConnectionState.Ready, client.State);
        Task pinging = client.PingAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-ping"}""");
        await peer.AnswerAsync("""{"return": {}}""");
        await pinging;
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Sync_discards_a_stale_sync_reply_with_another_id()
    {
        var (clientStream, peerStream) = DuplexStream.CreatePair();
        var peer = new ScriptedPeer(peerStream);
        Task<GuestAgentClient> connecting = GuestAgentClient.ConnectAsync(clientStream, AgentPeer.SyncTimeout);

        long id = await peer.ExpectSyncAsync();
        await peer.SendRawAsync([0xFF, .. "{\"return\": 999}\n{\"return\": {}}\n{\"ret"u8, 0xFF, .. Encoding.UTF8.GetBytes($"{{\"return\": {id}}}\n")]);

        var client = await connecting.WaitAsync(ScriptedPeer.StepTimeout);
        Assert.Equal(ConnectionState.Ready, client.State);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Sync_without_an_answer_times_out_and_closes_the_stream()
    {
        var (clientStream, peerStream) = DuplexStream.CreatePair();
        var peer = new ScriptedPeer(peerStream);
        Task<GuestAgentClient> connecting = GuestAgentClient.ConnectAsync(clientStream, Short);
        await peer.ExpectSyncAsync();

        var error = await Assert.ThrowsAsync<GuestAgentTimeoutException>(() => connecting);
        Assert.Equal("guest agent command 'guest-sync-delimited' got no reply within 0.2 s", error.Message);
        await peer.ExpectEndOfStreamAsync();
    }

    [Fact]
    public async Task Ping_sends_a_plain_command_and_succeeds_on_an_empty_return()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        Task pinging = client.PingAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-ping"}""");
        await peer.AnswerAsync("""{"return": {}}""");

        await pinging;
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Typed_queries_parse_info_os_info_and_host_name()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        Task<GuestInfo> info = client.GetInfoAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-info"}""");
        await peer.AnswerAsync("""{"return": {"version": "7.2.0", "supported_commands": [{"enabled": true, "name": "guest-ping", "success-response": true}, {"enabled": false, "name": "guest-shutdown", "success-response": false}]}}""");
        GuestInfo guestInfo = await info;
        Assert.Equal("7.2.0", guestInfo.Version);
        Assert.Equal(
            [new GuestCommandInfo { Name = "guest-ping", Enabled = true, SuccessResponse = true }, new GuestCommandInfo { Name = "guest-shutdown", Enabled = false, SuccessResponse = false }],
            guestInfo.SupportedCommands);

        Task<GuestOsInfo> osInfo = client.GetOsInfoAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-get-osinfo"}""");
        await peer.AnswerAsync("""{"return": {"kernel-release": "6.1.0-28-amd64", "machine": "x86_64", "id": "debian", "pretty-name": "Debian GNU/Linux 12 (bookworm)", "version-id": "12"}}""");
        Assert.Equal(
            new GuestOsInfo { KernelRelease = "6.1.0-28-amd64", Machine = "x86_64", Id = "debian", PrettyName = "Debian GNU/Linux 12 (bookworm)", VersionId = "12" },
            await osInfo);

        Task<string> hostName = client.GetHostNameAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-get-host-name"}""");
        await peer.AnswerAsync("""{"return": {"host-name": "nubetest"}}""");
        Assert.Equal("nubetest", await hostName);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Execute_sends_arguments()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var executing = client.ExecuteAsync("guest-exec-status", new { pid = 42 });
        await peer.ExpectRequestAsync("""{"execute":"guest-exec-status","arguments":{"pid":42}}""");
        await peer.AnswerAsync("""{"return": {"exited": true, "exitcode": 0}}""");

        Assert.True((await executing).GetProperty("exited").GetBoolean());
        await client.DisposeAsync();
    }

    [Fact]
    public async Task An_error_reply_throws_with_the_agents_class_and_desc()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var executing = client.ExecuteAsync("guest-fsfreeze-freeze");
        await peer.ExpectRequestAsync("""{"execute":"guest-fsfreeze-freeze"}""");
        await peer.AnswerAsync("""{"error": {"class": "GenericError", "desc": "failed to freeze /: Operation not supported"}}""");

        var error = await Assert.ThrowsAsync<GuestAgentCommandException>(() => executing);
        Assert.Equal("guest agent command 'guest-fsfreeze-freeze' failed: GenericError: failed to freeze /: Operation not supported", error.Message);
        Assert.Equal("GenericError", error.ErrorClass);
        Assert.Equal("failed to freeze /: Operation not supported", error.Desc);
        Assert.Equal(ConnectionState.Ready, client.State);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Control_characters_and_excess_length_in_an_error_from_the_guest_are_neutralised()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var executing = client.ExecuteAsync("guest-ping");
        await peer.ExpectRequestAsync("""{"execute":"guest-ping"}""");
        await peer.AnswerAsync($$$"""{"error": {"class": "Generic\nError", "desc": "\u001b[2J{{{new string('x', 600)}}}"}}""");

        var error = await Assert.ThrowsAsync<GuestAgentCommandException>(() => executing);
        Assert.Equal("Generic?Error", error.ErrorClass);
        Assert.Equal("?[2J" + new string('x', 508) + "…", error.Desc);
        await client.DisposeAsync();
    }

    [Theory]
    [InlineData("""{"error": {"class": 5, "desc": "x"}}""")]
    [InlineData("""{"error": "GenericError"}""")]
    [InlineData("""{"answer": {}}""")]
    [InlineData("""[]""")]
    public async Task A_reply_that_is_neither_a_return_nor_a_proper_error_is_a_protocol_error(string reply)
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var executing = client.ExecuteAsync("guest-ping");
        await peer.ExpectRequestAsync("""{"execute":"guest-ping"}""");
        await peer.AnswerAsync(reply);

        var error = await Assert.ThrowsAsync<GuestAgentProtocolException>(() => executing);
        Assert.Equal("guest agent reply to 'guest-ping' has neither 'return' nor an 'error' with 'class' and 'desc'", error.Message);
        await client.DisposeAsync();
    }

    [Theory]
    [InlineData("""{"version": 5, "supported_commands": []}""", "The JSON value could not be converted to Nube.Qemu.Protocol.GuestInfo. Path: $.version | LineNumber: 0 | BytePositionInLine: 13.")]
    [InlineData("""{"version": "7.2.0"}""", "JSON deserialization for type 'Nube.Qemu.Protocol.GuestInfo' was missing required properties including: 'supported_commands'.")]
    [InlineData("""{"version": "7.2.0", "supported_commands": [null]}""", "The JSON value could not be converted to Nube.Qemu.Protocol.GuestCommandInfo. Path: $.supported_commands[0] | LineNumber: 0 | BytePositionInLine: 48.")]
    [InlineData("""{"version": null, "supported_commands": []}""", "The constructor parameter 'Version' on type 'Nube.Qemu.Protocol.GuestInfo' doesn't allow null values. Consider updating its nullability annotation. Path: $.version | LineNumber: 0 | BytePositionInLine: 16.")]
    [InlineData("""[1, 2]""", "The JSON value could not be converted to Nube.Qemu.Protocol.GuestInfo. Path: $ | LineNumber: 0 | BytePositionInLine: 1.")]
    [InlineData("""null""", "The reply is null.")]
    public async Task A_guest_info_reply_of_the_wrong_shape_is_a_protocol_error(string returned, string detail)
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        Task<GuestInfo> info = client.GetInfoAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-info"}""");
        await peer.AnswerAsync($$"""{"return": {{returned}}}""");

        var error = await Assert.ThrowsAsync<GuestAgentProtocolException>(() => info);
        Assert.Equal("guest agent sent an invalid reply to 'guest-info': " + detail, error.Message);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Malformed_JSON_is_a_protocol_error_and_the_next_command_resynchronises()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        Task pinging = client.PingAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-ping"}""");
        await peer.AnswerAsync("""{"return": {]""");
        var error = await Assert.ThrowsAsync<GuestAgentProtocolException>(() => pinging);
        Assert.StartsWith("guest agent sent malformed JSON in reply to 'guest-ping': ", error.Message);

        Task next = client.PingAsync();
        await peer.AnswerSyncAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-ping"}""");
        await peer.AnswerAsync("""{"return": {}}""");
        await next;
        await client.DisposeAsync();
    }

    [Fact]
    public async Task An_oversized_reply_faults_the_connection_without_being_read_whole()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();
        Task pinging = client.PingAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-ping"}""");

        long written = 0;
        byte[] chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'x');
        Task flooding = Task.Run(async () =>
        {
            for (int i = 0; i < 64; i++) // 4 MiB, never a newline
            {
                await peer.SendRawAsync(chunk);
                Interlocked.Add(ref written, chunk.Length);
            }
        });

        var error = await Assert.ThrowsAsync<GuestAgentProtocolException>(() => pinging);
        Assert.Equal("guest agent reply exceeds the limit of 1048576 bytes", error.Message);
        Assert.Equal(ConnectionState.Faulted, client.State);
        await Task.Delay(100);
        Assert.False(flooding.IsCompleted);
        Assert.InRange(Interlocked.Read(ref written), GuestAgentClient.MaxReplyBytes, 2 * GuestAgentClient.MaxReplyBytes);

        var after = await Assert.ThrowsAsync<GuestAgentDisconnectedException>(() => client.PingAsync());
        Assert.Equal("guest agent connection is faulted: guest agent reply exceeds the limit of 1048576 bytes", after.Message);
        await client.DisposeAsync();
        await flooding.WaitAsync(ScriptedPeer.StepTimeout);
    }

    [Fact]
    public async Task A_timed_out_command_makes_the_next_one_resynchronise_past_its_late_reply()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        var slow = client.ExecuteAsync("guest-get-time", timeout: Short);
        await peer.ExpectRequestAsync("""{"execute":"guest-get-time"}""");
        var error = await Assert.ThrowsAsync<GuestAgentTimeoutException>(() => slow);
        Assert.Equal("guest agent command 'guest-get-time' got no reply within 0.2 s", error.Message);
        Assert.Equal("guest-get-time", error.Command);

        Task<string> next = client.GetHostNameAsync();
        await peer.AnswerSyncAsync("""{"return": 1767225600000000000}""" + "\n");
        await peer.ExpectRequestAsync("""{"execute":"guest-get-host-name"}""");
        await peer.AnswerAsync("""{"return": {"host-name": "nubetest"}}""");
        Assert.Equal("nubetest", await next);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Shutdown_does_not_wait_for_a_reply_and_the_next_command_resynchronises()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        await client.ShutdownAsync(GuestShutdownMode.Powerdown);
        await peer.ExpectRequestAsync("""{"execute":"guest-shutdown","arguments":{"mode":"powerdown"}}""");

        Task pinging = client.PingAsync();
        await peer.AnswerSyncAsync("""{"error": {"class": "GenericError", "desc": "shutdown failed"}}""" + "\n");
        await peer.ExpectRequestAsync("""{"execute":"guest-ping"}""");
        await peer.AnswerAsync("""{"return": {}}""");
        await pinging;
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_commands_go_out_one_at_a_time()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        Task first = client.PingAsync();
        Task<string> second = client.GetHostNameAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-ping"}""");
        await peer.AssertQuietAsync(Short);
        await peer.AnswerAsync("""{"return": {}}""");
        await peer.ExpectRequestAsync("""{"execute":"guest-get-host-name"}""");
        await peer.AnswerAsync("""{"return": {"host-name": "nubetest"}}""");

        await first;
        Assert.Equal("nubetest", await second);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_during_a_command_disconnects_it()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        Task pinging = client.PingAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-ping"}""");
        await client.DisposeAsync();

        var error = await Assert.ThrowsAsync<GuestAgentDisconnectedException>(() => pinging);
        Assert.Equal("the guest agent client was disposed", error.Message);
        Assert.Equal(ConnectionState.Closed, client.State);
        await peer.ExpectEndOfStreamAsync();
    }

    [Fact]
    public async Task EOF_during_a_command_disconnects_the_client()
    {
        var (client, peer) = await AgentPeer.ConnectAsync();

        Task pinging = client.PingAsync();
        await peer.ExpectRequestAsync("""{"execute":"guest-ping"}""");
        await peer.DisposeAsync();

        var error = await Assert.ThrowsAsync<GuestAgentDisconnectedException>(() => pinging);
        Assert.Equal("the guest agent channel was closed", error.Message);
        Assert.Equal(ConnectionState.Closed, client.State);
        await client.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.PingAsync());
    }
}
