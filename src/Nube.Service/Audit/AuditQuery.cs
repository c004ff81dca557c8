using Nube.Contracts.Audit;
using Nube.Core.Validation;

namespace Nube.Service.Audit;

/// <summary>Which records <c>GET /api/v1/audit</c> returns: a time window, a user, a VM, and how many at most.</summary>
public sealed record AuditQuery
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    /// <summary>The user acted as (<see cref="AuditRecord.User"/>) or the whole of <see cref="AuditRecord.Who"/>.</summary>
    public string? User { get; init; }
    /// <summary>The VM by its name (any case) or its id.</summary>
    public string? Vm { get; init; }
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>The query, or every problem with it at once.</summary>
    /// <exception cref="ValidationException">A limit out of range, or a window that ends before it begins.</exception>
    public static AuditQuery Create(DateTimeOffset? since, DateTimeOffset? until, string? user, string? vm, int? limit)
    {
        var errors = new List<ValidationError>();
        if (limit is < 1 or > MaxLimit)
            errors.Add(new("limit", limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"limit: {limit} is out of range; it must be 1 to {MaxLimit}"));
        if (since > until)
            errors.Add(new("until", until!.Value.ToString("O"), $"until: {until:O} is before since ({since:O})"));
        if (errors.Count > 0)
            throw new ValidationException(errors);
        return new AuditQuery
        {
            Since = since, Until = until, User = Empty(user), Vm = Empty(vm), Limit = limit ?? DefaultLimit,
        };
    }

    public bool Matches(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return (Since is null || record.Time >= Since)
            && (Until is null || record.Time <= Until)
            && (User is null || record.User == User || record.Who == User)
            && (Vm is null || string.Equals(record.Vm, Vm, StringComparison.OrdinalIgnoreCase)
                || (record.VmId is { } id && Guid.TryParse(Vm, out var wanted) && id == wanted));
    }

    private static string? Empty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
