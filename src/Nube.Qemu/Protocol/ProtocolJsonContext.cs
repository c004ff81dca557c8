using System.Text.Json.Serialization;

namespace Nube.Qemu.Protocol;

/// <summary>
/// Source-generated JSON for the typed replies and our own arguments. QMP and the agent name fields in
/// kebab-case; strict nullability and required members turn a misshapen reply into a JsonException.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.KebabCaseLower,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(QmpStatus))]
[JsonSerializable(typeof(KvmInfo))]
[JsonSerializable(typeof(List<BlockStatsEntry>))]
[JsonSerializable(typeof(MigrationInfo))]
[JsonSerializable(typeof(MigrationParameters))]
[JsonSerializable(typeof(GuestInfo))]
[JsonSerializable(typeof(GuestOsInfo))]
[JsonSerializable(typeof(GuestHostName))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(GuestFileOpenArguments))]
[JsonSerializable(typeof(GuestFileHandleArguments))]
[JsonSerializable(typeof(GuestFileReadArguments))]
[JsonSerializable(typeof(GuestFileWriteArguments))]
[JsonSerializable(typeof(GuestFileReadReply))]
[JsonSerializable(typeof(GuestFileWriteReply))]
[JsonSerializable(typeof(GuestExecArguments))]
[JsonSerializable(typeof(GuestExecReply))]
[JsonSerializable(typeof(GuestExecStatusArguments))]
[JsonSerializable(typeof(GuestExecStatusReply))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
