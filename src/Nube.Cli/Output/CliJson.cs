using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nube.Cli.Output;

/// <summary>The CLI's own JSON documents, source-generated (Native AOT), written as the contracts' are.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(CliProblem))]
public sealed partial class CliJson : JsonSerializerContext;
