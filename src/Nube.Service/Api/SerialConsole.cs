using System.Net.WebSockets;
using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Vms;

namespace Nube.Service.Api;

/// <summary>Joins a WebSocket to the VM's COM1 socket, bytes both ways, for <c>vm console</c>.</summary>
public static class SerialConsole
{
    public static async Task<IResult> RunAsync(HttpContext http, VmController vm, CancellationToken ct)
    {
        if (!http.WebSockets.IsWebSocketRequest)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                detail: "The console is a WebSocket: connect with 'nube vm console'.");
        var now = vm.Snapshot;
        if (now.State is not (VmState.Running or VmState.Paused))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                detail: $"VM '{now.Name}' is {VmLifecycle.Word(now.State)}: its console is there only while it runs.");

        await using var serial = await UnixSocket.ConnectAsync(vm.Paths.SerialSocket, ct);
        using var ws = await http.WebSockets.AcceptWebSocketAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var toClient = PumpSerialToSocketAsync(serial, ws, stop.Token);
        var toSerial = PumpSocketToSerialAsync(ws, serial, stop.Token);
        await Task.WhenAny(toClient, toSerial);
        await stop.CancelAsync();
        if (ws.State == WebSocketState.Open)
            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "console closed", CancellationToken.None);
        return TypedResults.Empty;
    }

    private static async Task PumpSerialToSocketAsync(Stream serial, WebSocket ws, CancellationToken ct)
    {
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await serial.ReadAsync(buffer, ct)) > 0)
                await ws.SendAsync(buffer.AsMemory(0, n), WebSocketMessageType.Binary, true, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException) { }
    }

    private static async Task PumpSocketToSerialAsync(WebSocket ws, Stream serial, CancellationToken ct)
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
