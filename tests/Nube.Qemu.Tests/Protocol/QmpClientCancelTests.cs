using System.Text.Json;
using Nube.Qemu.Protocol;

namespace Nube.Qemu.Tests.Protocol;

/// <summary>Cancelling a command never leaves the QMP connection half-written.</summary>
public sealed class QmpClientCancelTests
{
    [Fact]
    public async Task A_cancel_that_lands_as_the_request_is_written_leaves_the_connection_usable()
    {
        var (clientStream, peerStream) = DuplexStream.CreatePair();
        var wrapped = new CancelOnWriteStream(clientStream);
        var peer = new ScriptedPeer(peerStream);
        Task<QmpClient> connecting = QmpClient.ConnectAsync(wrapped);
        await peer.SendLineAsync(QmpPeer.Greeting);
        await peer.ReplyAsync(await peer.ExpectCommandAsync("qmp_capabilities"));
        var client = await connecting.WaitAsync(ScriptedPeer.StepTimeout);

        using var cancel = new CancellationTokenSource();
        wrapped.CancelOnNextWrite(cancel);
        Task<JsonElement> cancelled = client.ExecuteAsync("query-status", ct: cancel.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(ConnectionState.Ready, client.State);

        // The request went out whole, so QEMU's late reply is dropped by its id.
        Task<JsonElement> next = client.ExecuteAsync("query-name");
        long cancelledId = await peer.ExpectCommandAsync("query-status");
        long nextId = await peer.ExpectCommandAsync("query-name");
        await peer.ReplyAsync(cancelledId);
        await peer.ReplyAsync(nextId, """{"name": "vm1"}""");
        Assert.Equal("vm1", (await next.WaitAsync(ScriptedPeer.StepTimeout)).GetProperty("name").GetString());
        await client.DisposeAsync();
    }
}
