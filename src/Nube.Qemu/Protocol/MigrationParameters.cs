using System.Text.Json.Serialization;

namespace Nube.Qemu.Protocol;

/// <summary>
/// Arguments of <c>migrate-set-parameters</c>; a null field is left out and keeps QEMU's value.
/// Names and null handling are explicit because argument serialization does not use the context's options.
/// </summary>
internal sealed record MigrationParameters(
    [property: JsonPropertyName("max-bandwidth"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? MaxBandwidth,
    [property: JsonPropertyName("downtime-limit"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? DowntimeLimit);
