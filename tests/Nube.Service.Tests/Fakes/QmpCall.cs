using System.Text.Json;

namespace Nube.Service.Tests.Fakes;

/// <summary>One command a fake QEMU received: on which of its QMP connections (1, 2 ...), and its arguments.</summary>
internal sealed record QmpCall(int Connection, string Command, JsonElement? Arguments)
{
    /// <summary>A string argument, e.g. the uri of migrate.</summary>
    public string? Argument(string name) =>
        Arguments is { ValueKind: JsonValueKind.Object } args && args.TryGetProperty(name, out var value) ? value.ToString() : null;
}
