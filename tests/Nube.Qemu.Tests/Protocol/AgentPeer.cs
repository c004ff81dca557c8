using System.Text;
using System.Text.Json;
using Nube.Qemu.Protocol;

namespace Nube.Qemu.Tests.Protocol;

/// <summary>Scripts qemu-ga's side: the guest-sync-delimited handshake, then plain commands without ids.</summary>
internal static class AgentPeer
{
    public static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A connected, synchronised client and the peer that plays the agent.</summary>
    public static async Task<(GuestAgentClient Client, ScriptedPeer Peer)> ConnectAsync()
    {
        var (clientStream, peerStream) = DuplexStream.CreatePair();
        var peer = new ScriptedPeer(peerStream);
        Task<GuestAgentClient> connecting = GuestAgentClient.ConnectAsync(clientStream, SyncTimeout);
        await peer.AnswerSyncAsync();
        return (await connecting.WaitAsync(ScriptedPeer.StepTimeout), peer);
    }

    /// <summary>Receives 0xFF and a guest-sync-delimited request; returns its id.</summary>
    public static async Task<long> ExpectSyncAsync(this ScriptedPeer peer)
    {
        Assert.Equal(0xFF, await peer.ReceiveByteAsync());
        JsonElement request = await peer.ReceiveJsonAsync();
        Assert.Equal("guest-sync-delimited", request.GetProperty("execute").GetString());
        long id = request.GetProperty("arguments").GetProperty("id").GetInt64();
        Assert.Equal($$$"""{"execute":"guest-sync-delimited","arguments":{"id":{{{id}}}}}""", request.GetRawText());
        return id;
    }

    /// <summary>Answers a sync as qemu-ga does, optionally after stale output.</summary>
    public static async Task AnswerSyncAsync(this ScriptedPeer peer, string staleOutput = "")
    {
        long id = await peer.ExpectSyncAsync();
        await peer.SendRawAsync([.. Encoding.UTF8.GetBytes(staleOutput), 0xFF, .. Encoding.UTF8.GetBytes($$"""{"return": {{id}}}""" + "\n")]);
    }

    public static async Task ExpectRequestAsync(this ScriptedPeer peer, string requestJson) =>
        Assert.Equal(requestJson, await peer.ReceiveLineAsync());

    public static Task AnswerAsync(this ScriptedPeer peer, string replyJson) => peer.SendLineAsync(replyJson, "\n");
}
