using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nube.Service.Tests.Fakes;

/// <summary>
/// The host end of a fake guest's agent channel. Until the guest's agent is up, requests wait in
/// the channel unanswered, as they do in virtio-serial while the guest boots; then it answers
/// guest-sync-delimited (0xFF before the reply), guest-ping and guest-info as qemu-ga does.
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
            await qemu.AgentUp.WaitAsync(closing.Token).ConfigureAwait(false);
            var reader = new FakeLineReader(stream);
            while (await reader.ReadLineAsync(closing.Token).ConfigureAwait(false) is { } line)
            {
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
        JsonElement arguments = default;
        try
        {
            using var request = JsonDocument.Parse(line);
            command = request.RootElement.GetProperty("execute").GetString() ?? "";
            if (request.RootElement.TryGetProperty("arguments", out var args))
                arguments = args.Clone();
            if (command == "guest-sync-delimited")
                syncId = request.RootElement.GetProperty("arguments").GetProperty("id").GetInt64();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            await WriteAsync([], Error("GenericError", "Invalid JSON syntax")).ConfigureAwait(false);
            return;
        }
        qemu.RecordAgent(command);
        switch (command)
        {
            case "guest-sync-delimited":
                await WriteAsync([0xFF], new JsonObject { ["return"] = syncId }).ConfigureAwait(false);
                break;
            case "guest-ping":
                await WriteAsync([], new JsonObject { ["return"] = new JsonObject() }).ConfigureAwait(false);
                break;
            case "guest-info":
                await WriteAsync([], new JsonObject
                {
                    ["return"] = new JsonObject { ["version"] = AgentVersion, ["supported_commands"] = new JsonArray() },
                }).ConfigureAwait(false);
                break;
            default:
                await WriteAsync([], await qemu.Guest.AnswerAsync(command, arguments).ConfigureAwait(false)
                    ?? Error("CommandNotFound", $"The command {command} has not been found")).ConfigureAwait(false);
                break;
        }
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
