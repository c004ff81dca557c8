namespace Nube.Linux.Processes;

/// <summary>A program of the host run with its arguments (no shell), bounded in time.</summary>
public sealed record HostCommand(string Program, IReadOnlyList<string> Arguments)
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Added to nubed's own environment; the C locale is always set, so that the output parses.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The command as a person would type it, for messages.</summary>
    public override string ToString() => string.Join(' ', [Program, .. Arguments]);
}
