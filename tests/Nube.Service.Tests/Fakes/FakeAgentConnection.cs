using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nube.Service.Tests.Fakes;

/// <summary>
/// The host end of a fake guest's agent channel. While the guest's agent is not up, requests wait
/// in the channel unanswered, as they do in virtio-serial while the guest boots or after qemu-ga
/// died; then it answers guest-sync-delimited (0xFF before the reply) itself and the rest as the
/// fake guest does. A command the fake QEMU holds waits at its gate.
/// </summary>
internal sealed class FakeAgentConnection(FakeQemu qemu, Stream stream)
{
    public const string AgentVersion = "7.2.22";

    private readonly CancellationTokenSource closing = new();

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start() => Completion = Task.Run(RunAsync);

    public void Close() => closing.Cancel();

    private async Task RunAsync()
    {
        try
        {
            var reader = new FakeLineReader(stream);
            while (await reader.ReadLineAsync(closing.Token).ConfigureAwait(false) is { } line)
            {
                await qemu.Guest.AgentUp.WaitAsync(closing.Token).ConfigureAwait(false);
                if (line.Length > 0)
                    await AnswerAsync(line).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Closed by the fake QEMU's exit.
        }
        finally
        {
            await closing.CancelAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
            qemu.Forget(this);
        }
    }

    private async Task AnswerAsync(string line)
    {
        string command;
        long? syncId = null;
        JsonElement arguments;
        try
        {
            using var request = JsonDocument.Parse(line);
            command = request.RootElement.GetProperty("execute").GetString() ?? "";
            arguments = request.RootElement.TryGetProperty("arguments", out var a) ? a.Clone() : default;
            if (command == "guest-sync-delimited")
                syncId = arguments.GetProperty("id").GetInt64();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            await WriteAsync([], Error("GenericError", "Invalid JSON syntax")).ConfigureAwait(false);
            return;
        }
        qemu.RecordAgent(command);
        if (syncId is not null)
        {
            await WriteAsync([0xFF], new JsonObject { ["return"] = syncId }).ConfigureAwait(false);
            return;
        }
        if (qemu.GateFor(command) is { } gate)
            await gate.PassAsync(closing.Token).ConfigureAwait(false);
        if (qemu.Guest.Execute(command, arguments) is { } reply)
        {
            await WriteAsync([], reply["error"]?["class"]?.GetValue<string>() == "CommandNotFound"
                ? await qemu.GuestFiles.AnswerAsync(command, arguments).ConfigureAwait(false) ?? reply
                : reply).ConfigureAwait(false);
            if (qemu.Guest.Poweroff.TakePowerOff())
                await qemu.GuestShutdownAsync().ConfigureAwait(false);
        }
        else if (qemu.Guest.ShutsDownOnRequest)
            await qemu.GuestShutdownAsync().ConfigureAwait(false);
    }

    private static JsonObject Error(string errorClass, string desc) =>
        new() { ["error"] = new JsonObject { ["class"] = errorClass, ["desc"] = desc } };

    private async Task WriteAsync(byte[] prefix, JsonObject reply)
    {
        byte[] bytes = [.. prefix, .. Encoding.UTF8.GetBytes(reply.ToJsonString() + "\n")];
        await stream.WriteAsync(bytes, closing.Token).ConfigureAwait(false);
        await stream.FlushAsync(closing.Token).ConfigureAwait(false);
    }
}
