using Nube.Contracts.Jobs;

namespace Nube.Service.Jobs;

/// <summary>A job as kept in <c>&lt;data&gt;/jobs/&lt;id&gt;.json</c>: what the API showed of it.</summary>
public sealed record JobRecord
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required JobInfo Job { get; init; }
}
