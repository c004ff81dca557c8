using System.Collections.Immutable;

namespace Nube.Service.Auth;

/// <summary>The shape of <c>&lt;data&gt;/users.json</c>.</summary>
public sealed record UserDocument
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public ImmutableArray<StoredUser> Users { get; init; } = [];
}
