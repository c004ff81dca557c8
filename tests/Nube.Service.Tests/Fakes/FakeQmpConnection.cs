using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nube.Qemu.Tests.Protocol;

namespace Nube.Service.Tests.Fakes;

/// <summary>
/// One client of a fake QEMU's QMP socket: the greeting, then command by command in order, each
/// recorded, held at its gate when the test holds it, and answered by <see cref="FakeQemu"/>.
/// Closing it (QEMU exits, or the test drops the connection) ends the client's stream with EOF.
/// </summary>
internal sealed class FakeQmpConnection(FakeQemu qemu, Stream stream, int number)
{
    private readonly CancellationTokenSource closing = new();
    private readonly SemaphoreSlim writing = new(1, 1);

    public int Number { get; } = number;

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start() => Completion = Task.Run(RunAsync);

    public void Close() => closing.Cancel();

    /// <summary>Sends an event or a reply; a connection that has closed drops it, as a dead socket would.</summary>
    public Task SendAsync(JsonObject message) => SendLineAsync(message.ToJsonString());

    private async Task SendLineAsync(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json + "\r\n");
        try
        {
            await writing.WaitAsync(closing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            await stream.WriteAsync(bytes, closing.Token).ConfigureAwait(false);
            await stream.FlushAsync(closing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away; QEMU would get EPIPE and drop the connection.
        }
        finally
        {
            writing.Release();
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await SendLineAsync(QmpPeer.Greeting).ConfigureAwait(false);
            var reader = new FakeLineReader(stream);
            while (await reader.ReadLineAsync(closing.Token).ConfigureAwait(false) is { } line)
                await HandleAsync(line).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Closed by the test or by the fake QEMU's exit.
        }
        finally
        {
            await closing.CancelAsync().ConfigureAwait(false);
            await writing.WaitAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
            qemu.Forget(this);
        }
    }

    private async Task HandleAsync(string line)
    {
        string command;
        JsonElement? arguments;
        JsonNode? id;
        try
        {
            using var request = JsonDocument.Parse(line);
            var root = request.RootElement;
            command = root.GetProperty("execute").GetString() ?? "";
            arguments = root.TryGetProperty("arguments", out var a) ? a.Clone() : null;
            id = root.TryGetProperty("id", out var i) ? JsonNode.Parse(i.GetRawText()) : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            await SendAsync(Reply(FakeReply.Failure("GenericError", "JSON parse error"), null)).ConfigureAwait(false);
            return;
        }
        var call = new QmpCall(Number, command, arguments);
        qemu.Record(call);
        if (qemu.GateFor(command) is { } gate)
            await gate.PassAsync(closing.Token).ConfigureAwait(false);
        var reply = qemu.Execute(call);
        foreach (var e in reply.EventsBefore)
            await qemu.BroadcastAsync(e).ConfigureAwait(false);
        await SendAsync(Reply(reply, id)).ConfigureAwait(false);
        if (reply.After is { } after)
            await after().ConfigureAwait(false);
    }

    private static JsonObject Reply(FakeReply reply, JsonNode? id)
    {
        var message = reply.Error is { } error
            ? new JsonObject { ["error"] = new JsonObject { ["class"] = error.Class, ["desc"] = error.Desc } }
            : new JsonObject { ["return"] = reply.Return?.DeepClone() ?? new JsonObject() };
        if (id is not null)
            message["id"] = id;
        return message;
    }
}
