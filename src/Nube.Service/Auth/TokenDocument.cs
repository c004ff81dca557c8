using System.Collections.Immutable;

namespace Nube.Service.Auth;

/// <summary>The shape of <c>&lt;data&gt;/tokens.json</c>.</summary>
public sealed record TokenDocument
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public ImmutableArray<StoredToken> Tokens { get; init; } = [];
}
