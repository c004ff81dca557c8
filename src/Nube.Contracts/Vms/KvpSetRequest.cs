namespace Nube.Contracts.Vms;

/// <summary>The body of <c>PUT /api/v1/vms/{vm}/kvp/item</c>: a host-to-guest pair to add or replace.</summary>
public sealed record KvpSetRequest
{
    public string? Key { get; init; }
    public string? Value { get; init; }
}
