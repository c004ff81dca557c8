using System.Text.Json;
using Nube.Qemu.Protocol;

namespace Nube.Qemu.Tests.Protocol;

/// <summary>Scripts QEMU's side of QMP: the greeting and capability negotiation, then command by command.</summary>
internal static class QmpPeer
{
    public const string Greeting =
        """{"QMP": {"version": {"qemu": {"micro": 2, "minor": 0, "major": 10}, "package": "Debian 1:10.0.2"}, "capabilities": ["oob"]}}""";

    /// <summary>A connected, ready client (its qmp_capabilities used id 1) and the peer that plays QEMU.</summary>
    public static async Task<(QmpClient Client, ScriptedPeer Peer)> ConnectAsync()
    {
        var (clientStream, peerStream) = DuplexStream.CreatePair();
        var peer = new ScriptedPeer(peerStream);
        Task<QmpClient> connecting = QmpClient.ConnectAsync(clientStream);
        await peer.SendLineAsync(Greeting);
        Assert.Equal("""{"execute":"qmp_capabilities","id":1}""", await peer.ReceiveLineAsync());
        await peer.SendLineAsync("""{"return": {}, "id": 1}""");
        return (await connecting.WaitAsync(ScriptedPeer.StepTimeout), peer);
    }

    /// <summary>Receives the next request, checks its command and returns its id.</summary>
    public static async Task<long> ExpectCommandAsync(this ScriptedPeer peer, string command)
    {
        JsonElement request = await peer.ReceiveJsonAsync();
        Assert.Equal(command, request.GetProperty("execute").GetString());
        return request.GetProperty("id").GetInt64();
    }

    public static Task ReplyAsync(this ScriptedPeer peer, long id, string returnJson = "{}") =>
        peer.SendLineAsync($$"""{"return": {{returnJson}}, "id": {{id}}}""");

    public static Task SendEventAsync(this ScriptedPeer peer, string name, string dataJson = "{}") =>
        peer.SendLineAsync($$$"""{"event": "{{{name}}}", "data": {{{dataJson}}}, "timestamp": {"seconds": 1767225600, "microseconds": 250000}}""");
}
