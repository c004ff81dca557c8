using System.Net.Sockets;
using System.Net.WebSockets;
using Nube.Service.Vms;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Api;

/// <summary>
/// <c>GET /vms/{vm}/vnc</c>: joins a WebSocket to the VM's display, raw RFB (VNC) bytes both
/// ways in binary messages, as noVNC speaks it. Each viewer has its own connection to QEMU's
/// VNC server: one end of a socket pair that nubed hands QEMU over QMP (getfd, add_client), as
/// QEMU listens on nothing (QEMU shares the display among the viewers). One buffer each way bounds what a slow
/// side can make nubed hold; when either side ends, or the VM's QEMU goes, both are closed.
/// </summary>
public static class VncProxy
{
    /// <summary>noVNC asks for this subprotocol; it means raw bytes in binary messages.</summary>
    public const string BinarySubprotocol = "binary";

    private const int BufferBytes = 64 * 1024;

    /// <summary>How long a closing side waits for the other's close frame before it drops the connection.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public static async Task<IResult> RunAsync(HttpContext http, VmController vm, IQemuHost qemu, IHostApplicationLifetime lifetime,
        CancellationToken ct)
    {
        if (!http.WebSockets.IsWebSocketRequest)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                detail: "The screen is a WebSocket carrying RFB (VNC): open it in the web console, or with a WebSocket VNC viewer such as noVNC.");
        var session = ScreenshotEndpoints.RunningSession(vm);
        var (display, theirs) = Nube.Qemu.Protocol.UnixSocket.Pair();
        try
        {
            using (theirs)
            {
                var name = $"vnc-{Guid.NewGuid():N}";
                await session.Qmp.GetFdAsync(name, theirs, ct);
                await session.Qmp.AddVncClientAsync(name, ct);
            }
        }
        catch (Exception e) when (e is Nube.Qemu.Protocol.QmpException or IOException or SocketException)
        {
            await display.DisposeAsync();
            throw new VmOperationFailedException("open the screen of", vm.Snapshot.Name, e);
        }
        await using (display)
        {
            var asked = http.WebSockets.WebSocketRequestedProtocols.Contains(BinarySubprotocol, StringComparer.Ordinal);
            using var ws = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = asked ? BinarySubprotocol : null });
            await RelayAsync(ws, display, session.Qmp.Closed, lifetime.ApplicationStopping, ct);
        }
        return TypedResults.Empty;
    }

    /// <summary>
    /// Copies both ways until one side ends. The display's side ending (QEMU closed the
    /// connection or exited, or nubed stops) closes the WebSocket with a close frame; the
    /// viewer's side ending (its close frame, a text message, a broken connection) closes the
    /// display's connection.
    /// </summary>
    private static async Task RelayAsync(WebSocket ws, Stream display, Task qemuGone, CancellationToken stopping, CancellationToken ct)
    {
        using var stopDisplay = CancellationTokenSource.CreateLinkedTokenSource(ct, stopping);
        using var stopViewer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var toViewer = ToViewerAsync(display, ws, stopDisplay.Token);
        var toDisplay = ToDisplayAsync(ws, display, stopViewer.Token);
        await Task.WhenAny(toViewer, toDisplay, qemuGone);
        // Nothing more is sent to the viewer once the close frame may go out.
        await stopDisplay.CancelAsync();
        await toViewer;
        if (ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            var (status, reason) = toDisplay.IsCompleted && toDisplay.Result is { } refused
                ? refused
                : (WebSocketCloseStatus.NormalClosure, "The VM's screen closed.");
            using var closing = new CancellationTokenSource(CloseTimeout);
            try
            {
                await ws.CloseOutputAsync(status, reason, closing.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException) { }
        }
        // The viewer's close frame normally ends its side; one that never answers is dropped.
        stopViewer.CancelAfter(CloseTimeout);
        await toDisplay;
    }

    private static async Task ToViewerAsync(Stream display, WebSocket ws, CancellationToken ct)
    {
        var buffer = new byte[BufferBytes];
        try
        {
            int n;
            while ((n = await display.ReadAsync(buffer, ct)) > 0)
                await ws.SendAsync(buffer.AsMemory(0, n), WebSocketMessageType.Binary, endOfMessage: true, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or WebSocketException or ObjectDisposedException) { }
    }

    /// <returns>The close status for a viewer that broke the protocol; null when it closed or went away.</returns>
    private static async Task<(WebSocketCloseStatus, string)?> ToDisplayAsync(WebSocket ws, Stream display, CancellationToken ct)
    {
        var buffer = new byte[BufferBytes];
        try
        {
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer.AsMemory(), ct);
                if (r.MessageType == WebSocketMessageType.Close)
                    return null;
                if (r.MessageType == WebSocketMessageType.Text)
                    return (WebSocketCloseStatus.InvalidMessageType, "RFB goes in binary messages.");
                await display.WriteAsync(buffer.AsMemory(0, r.Count), ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or WebSocketException or ObjectDisposedException)
        {
            return null;
        }
    }
}
