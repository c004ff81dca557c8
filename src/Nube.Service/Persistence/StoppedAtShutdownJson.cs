using System.Text.Json.Serialization;

namespace Nube.Service.Persistence;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StoppedAtShutdown.Record))]
internal sealed partial class StoppedAtShutdownJson : JsonSerializerContext;
