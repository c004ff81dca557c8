using System.Text.Json.Nodes;

namespace Nube.Service.Tests.Fakes;

/// <summary>
/// What a fake QEMU answers to one command: the events QEMU emits while carrying it out, the
/// "return" value or an error, and what happens after the reply is sent (the guest powers off,
/// QEMU exits).
/// </summary>
internal sealed record FakeReply
{
    public JsonNode? Return { get; init; } = new JsonObject();
    public (string Class, string Desc)? Error { get; init; }
    public IReadOnlyList<JsonObject> EventsBefore { get; init; } = [];
    public Func<Task>? After { get; init; }

    public static FakeReply Empty { get; } = new();

    public static FakeReply Failure(string errorClass, string desc) => new() { Return = null, Error = (errorClass, desc) };

    /// <summary>A QMP event as QEMU writes it, with a timestamp.</summary>
    public static JsonObject Event(string name, JsonObject? data = null) => new()
    {
        ["event"] = name,
        ["data"] = data ?? new JsonObject(),
        ["timestamp"] = new JsonObject { ["seconds"] = 1767225600, ["microseconds"] = 250000 },
    };
}
