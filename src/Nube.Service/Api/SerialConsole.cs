using System.Net.WebSockets;
using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.Service.Vms;

namespace Nube.Service.Api;

/// <summary>
/// Joins a WebSocket to the VM's COM1, bytes both ways, for <c>vm console</c>. Several consoles
/// may watch the same VM; the host service holds the serial connection itself.
/// </summary>
public static class SerialConsole
{
    public static async Task<IResult> RunAsync(HttpContext http, VmController vm, CancellationToken ct)
    {
        if (!http.WebSockets.IsWebSocketRequest)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                detail: "The console is a WebSocket: connect with 'nube vm console'.");
        var now = vm.Snapshot;
        if (now.State is not (VmState.Running or VmState.Paused) || vm.Session?.Serial is not { } serial)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                detail: $"VM '{now.Name}' is {VmLifecycle.Word(now.State)}: its console is there only while it runs.");

        var output = serial.Attach();
        try
        {
            using var ws = await http.WebSockets.AcceptWebSocketAsync();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var toClient = PumpToClientAsync(output, ws, stop.Token);
            var toGuest = PumpToGuestAsync(ws, serial, stop.Token);
            await Task.WhenAny(toClient, toGuest);
            await stop.CancelAsync();
            if (ws.State == WebSocketState.Open)
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "console closed", CancellationToken.None);
        }
        finally
        {
            serial.Detach(output);
        }
        return TypedResults.Empty;
    }

    private static async Task PumpToClientAsync(System.Threading.Channels.ChannelReader<byte[]> output, WebSocket ws, CancellationToken ct)
    {
        try
        {
            await foreach (var chunk in output.ReadAllAsync(ct))
                await ws.SendAsync(chunk, WebSocketMessageType.Binary, true, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException) { }
    }

    private static async Task PumpToGuestAsync(WebSocket ws, Nube.Service.Vms.Worker.SerialHub serial, CancellationToken ct)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer.AsMemory(), ct);
                if (r.MessageType == WebSocketMessageType.Close)
                    return;
                await serial.WriteAsync(buffer.AsMemory(0, r.Count), ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException) { }
    }
}
