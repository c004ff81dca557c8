using System.Text;
using System.Text.Json;
using Nube.Qemu.Protocol;

namespace Nube.Qemu.Tests.Protocol;

public sealed class QmpClientTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Connect_reads_the_version_from_the_greeting_and_negotiates_capabilities()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Assert.Equal(new QemuVersion(10, 0, 2), client.Version);
        Assert.Equal("10.0.2", client.Version.ToString());
        Assert.Equal(ConnectionState.Ready, client.State);
        await client.DisposeAsync();
        await peer.DisposeAsync();
    }

    [Fact]
    public async Task Connect_rejects_a_greeting_without_a_version_and_closes_the_stream()
    {
        var (clientStream, peerStream) = DuplexStream.CreatePair();
        var peer = new ScriptedPeer(peerStream);
        Task<QmpClient> connecting = QmpClient.ConnectAsync(clientStream);
        await peer.SendLineAsync("""{"QMP": {"version": {"qemu": {"major": "ten"}}, "capabilities": []}}""");

        var error = await Assert.ThrowsAsync<QmpProtocolException>(() => connecting);
        Assert.Equal("QMP greeting has no QMP.version.qemu with major, minor and micro", error.Message);
        await peer.ExpectEndOfStreamAsync();
    }

    [Fact]
    public async Task Execute_sends_command_arguments_and_a_new_id_and_returns_the_reply()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<JsonElement> executing = client.ExecuteAsync("device_del", new { id = "disk1" });
        Assert.Equal("""{"execute":"device_del","arguments":{"id":"disk1"},"id":2}""", await peer.ReceiveLineAsync());
        await peer.ReplyAsync(2, """{"answer": 42}""");

        JsonElement result = await executing;
        Assert.Equal(42, result.GetProperty("answer").GetInt32());

        Task<JsonElement> next = client.ExecuteAsync("stop");
        Assert.Equal("""{"execute":"stop","id":3}""", await peer.ReceiveLineAsync());
        await peer.ReplyAsync(3);
        await next;
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_commands_go_out_one_at_a_time()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<JsonElement> first = client.ExecuteAsync("query-status");
        Task<JsonElement> second = client.ExecuteAsync("query-name");
        long firstId = await peer.ExpectCommandAsync("query-status");
        await peer.AssertQuietAsync(Short);
        await peer.ReplyAsync(firstId);
        long secondId = await peer.ExpectCommandAsync("query-name");
        await peer.ReplyAsync(secondId);

        await Task.WhenAll(first, second);
        Assert.Equal(firstId + 1, secondId);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task QueryStatus_deserializes_the_typed_reply()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<QmpStatus> querying = client.QueryStatusAsync();
        long id = await peer.ExpectCommandAsync("query-status");
        await peer.ReplyAsync(id, """{"status": "prelaunch", "singlestep": false, "running": false}""");

        Assert.Equal(new QmpStatus { Status = "prelaunch", Running = false }, await querying);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_reply_of_the_wrong_shape_for_a_typed_command_is_a_protocol_error()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<QmpStatus> querying = client.QueryStatusAsync();
        await peer.ReplyAsync(await peer.ExpectCommandAsync("query-status"), """{"status": "running"}""");

        var error = await Assert.ThrowsAsync<QmpProtocolException>(() => querying);
        Assert.StartsWith("QMP reply to 'query-status' has an unexpected shape: ", error.Message);
        Assert.Contains("running", error.Message);
        Assert.Equal(ConnectionState.Ready, client.State);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task QueryMigrate_reads_status_error_times_and_ram()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<MigrationInfo> querying = client.QueryMigrateAsync();
        await peer.ReplyAsync(
            await peer.ExpectCommandAsync("query-migrate"),
            """{"status": "completed", "total-time": 161, "downtime": 12, "setup-time": 1, "ram": {"transferred": 4096, "remaining": 0, "total": 536870912, "duplicate": 9}}""");

        MigrationInfo info = await querying;
        Assert.Equal("completed", info.Status);
        Assert.Null(info.ErrorDesc);
        Assert.Equal(161, info.TotalTimeMilliseconds);
        Assert.Equal(12, info.DowntimeMilliseconds);
        Assert.Equal(new MigrationRamInfo { Transferred = 4096, Remaining = 0, Total = 536870912 }, info.Ram);

        Task<MigrationInfo> before = client.QueryMigrateAsync();
        await peer.ReplyAsync(await peer.ExpectCommandAsync("query-migrate"), "{}");
        Assert.Equal(new MigrationInfo(), await before);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Migration_commands_send_the_arguments_QEMU_expects()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task setting = client.MigrateSetParametersAsync(2L << 30, TimeSpan.FromMilliseconds(50));
        Assert.Equal(
            """{"execute":"migrate-set-parameters","arguments":{"max-bandwidth":2147483648,"downtime-limit":50},"id":2}""",
            await peer.ReceiveLineAsync());
        await peer.ReplyAsync(2);
        await setting;

        Task migrating = client.MigrateAsync("exec:cat > /tmp/vm.state");
        Assert.Equal("""{"execute":"migrate","arguments":{"uri":"exec:cat > /tmp/vm.state"},"id":3}""", await peer.ReceiveLineAsync());
        await peer.ReplyAsync(3);
        await migrating;

        Task incoming = client.MigrateIncomingAsync("exec:cat /tmp/vm.state");
        Assert.Equal("""{"execute":"migrate-incoming","arguments":{"uri":"exec:cat /tmp/vm.state"},"id":4}""", await peer.ReceiveLineAsync());
        await peer.ReplyAsync(4);
        await incoming;
        await client.DisposeAsync();
    }

    [Fact]
    public async Task An_error_reply_throws_with_the_command_and_QEMUs_class_and_desc()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<JsonElement> adding = client.ExecuteAsync("device_add", new { driver = "virtio-blk-pci", id = "x" });
        long id = await peer.ExpectCommandAsync("device_add");
        await peer.SendLineAsync($$"""{"error": {"class": "GenericError", "desc": "Duplicate ID 'x' for device"}, "id": {{id}}}""");

        var error = await Assert.ThrowsAsync<QmpCommandException>(() => adding);
        Assert.Equal("QMP command 'device_add' failed: GenericError: Duplicate ID 'x' for device", error.Message);
        Assert.Equal("device_add", error.Command);
        Assert.Equal("GenericError", error.ErrorClass);
        Assert.Equal("Duplicate ID 'x' for device", error.Desc);
        Assert.Equal(ConnectionState.Ready, client.State);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_reply_with_another_id_is_dropped_and_the_matching_one_completes_the_command()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<JsonElement> executing = client.ExecuteAsync("query-name");
        long id = await peer.ExpectCommandAsync("query-name");
        await peer.SendLineAsync($$"""{"return": {"name": "stale"}, "id": {{id + 100}}}""");
        await peer.SendLineAsync("""{"return": {"name": "no id"}}""");
        await peer.ReplyAsync(id, """{"name": "vm1"}""");

        Assert.Equal("vm1", (await executing).GetProperty("name").GetString());
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_command_without_reply_times_out_and_its_late_reply_does_not_answer_the_next_command()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<JsonElement> slow = client.ExecuteAsync("query-status", timeout: Short);
        long slowId = await peer.ExpectCommandAsync("query-status");
        var error = await Assert.ThrowsAsync<QmpTimeoutException>(() => slow);
        Assert.Equal("QMP command 'query-status' got no reply within 0.2 s", error.Message);
        Assert.Equal("query-status", error.Command);
        Assert.Equal(Short, error.Timeout);

        Task<JsonElement> next = client.ExecuteAsync("query-name");
        long nextId = await peer.ExpectCommandAsync("query-name");
        await peer.ReplyAsync(slowId, """{"status": "running", "running": true}""");
        await peer.ReplyAsync(nextId, """{"name": "vm1"}""");

        Assert.Equal("vm1", (await next).GetProperty("name").GetString());
        Assert.Equal(ConnectionState.Ready, client.State);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_cancelled_command_leaves_the_connection_usable()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        using var cancel = new CancellationTokenSource();
        Task<JsonElement> cancelled = client.ExecuteAsync("query-status", ct: cancel.Token);
        long cancelledId = await peer.ExpectCommandAsync("query-status");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        Task<JsonElement> next = client.ExecuteAsync("query-name");
        long nextId = await peer.ExpectCommandAsync("query-name");
        await peer.ReplyAsync(cancelledId);
        await peer.ReplyAsync(nextId, """{"name": "vm1"}""");
        Assert.Equal("vm1", (await next).GetProperty("name").GetString());
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Malformed_JSON_faults_the_connection_and_fails_the_command_in_flight()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();
        Task<QmpEvent> waiting = client.WaitForEventAsync("SHUTDOWN", null, ScriptedPeer.StepTimeout);

        Task<JsonElement> executing = client.ExecuteAsync("query-status");
        await peer.ExpectCommandAsync("query-status");
        await peer.SendLineAsync("""{"return": {"status": "runn""");

        var error = await Assert.ThrowsAsync<QmpProtocolException>(() => executing);
        Assert.StartsWith("QEMU sent malformed JSON: ", error.Message);
        Assert.Same(error, await Assert.ThrowsAsync<QmpProtocolException>(() => waiting));
        await client.Closed.WaitAsync(ScriptedPeer.StepTimeout);
        Assert.Equal(ConnectionState.Faulted, client.State);

        var after = await Assert.ThrowsAsync<QmpDisconnectedException>(() => client.ExecuteAsync("query-status"));
        Assert.Equal($"QMP connection is faulted: {error.Message}", after.Message);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_message_that_is_not_an_object_faults_the_connection()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        await peer.SendLineAsync("[1, 2]");

        await client.Closed.WaitAsync(ScriptedPeer.StepTimeout);
        Assert.Equal(ConnectionState.Faulted, client.State);
        var error = await Assert.ThrowsAsync<QmpDisconnectedException>(() => client.ExecuteAsync("stop"));
        Assert.Equal("QMP connection is faulted: QEMU sent a JSON Array where a QMP message object belongs", error.Message);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_message_over_the_size_limit_faults_the_connection()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<JsonElement> executing = client.ExecuteAsync("query-block");
        await peer.ExpectCommandAsync("query-block");
        byte[] chunk = Encoding.ASCII.GetBytes(new string(' ', 1 << 20));
        Task flooding = Task.Run(async () =>
        {
            for (int i = 0; i < 20; i++)
            {
                await peer.SendRawAsync(chunk);
            }
        });

        var error = await Assert.ThrowsAsync<QmpProtocolException>(() => executing);
        Assert.Equal("QMP message exceeds the limit of 16777216 bytes", error.Message);
        Assert.Equal(ConnectionState.Faulted, client.State);
        await client.DisposeAsync();
        await flooding.WaitAsync(ScriptedPeer.StepTimeout); // unblocked: the client's end is gone
    }

    [Fact]
    public async Task EOF_during_a_command_disconnects_it_and_ends_the_event_stream()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();
        await using var events = client.Events.GetAsyncEnumerator();

        Task<JsonElement> executing = client.ExecuteAsync("query-status");
        await peer.ExpectCommandAsync("query-status");
        await peer.DisposeAsync();

        var error = await Assert.ThrowsAsync<QmpDisconnectedException>(() => executing);
        Assert.Equal("QEMU closed the QMP connection", error.Message);
        Assert.False(await events.MoveNextAsync());
        Assert.Equal(ConnectionState.Closed, client.State);
        Assert.True(client.Closed.IsCompletedSuccessfully);
        await Assert.ThrowsAsync<QmpDisconnectedException>(() => client.WaitForEventAsync("SHUTDOWN", null, Short));
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Quit_succeeds_when_QEMU_closes_the_socket_instead_of_replying()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task quitting = client.QuitAsync();
        Assert.Equal("""{"execute":"quit","id":2}""", await peer.ReceiveLineAsync());
        await peer.DisposeAsync();

        await quitting;
        Assert.Equal(ConnectionState.Closed, client.State);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Quit_succeeds_when_QEMU_replies_then_closes()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task quitting = client.QuitAsync();
        await peer.ReplyAsync(await peer.ExpectCommandAsync("quit"));
        await peer.SendEventAsync("SHUTDOWN", """{"guest": false, "reason": "host-qmp-quit"}""");
        await peer.DisposeAsync();

        await quitting;
        await client.Closed.WaitAsync(ScriptedPeer.StepTimeout);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_fails_the_command_in_flight_closes_the_stream_and_refuses_new_commands()
    {
        var (client, peer) = await QmpPeer.ConnectAsync();

        Task<JsonElement> executing = client.ExecuteAsync("query-status");
        await peer.ExpectCommandAsync("query-status");
        await client.DisposeAsync();

        var error = await Assert.ThrowsAsync<QmpDisconnectedException>(() => executing);
        Assert.Equal("the QMP client was disposed", error.Message);
        Assert.Equal(ConnectionState.Closed, client.State);
        await peer.ExpectEndOfStreamAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ExecuteAsync("stop"));
    }
}
