using Nube.Core.Integration;

namespace Nube.Service.Vms.Integration;

/// <summary>How one integration service of a running VM last fared.</summary>
/// <param name="LastGoodAnswer">When the guest last answered it, during this run.</param>
/// <param name="Error">Why its last request failed; null once it is answered again.</param>
public sealed record ServiceHealth(IntegrationStatus Status, DateTimeOffset? LastGoodAnswer, string? Error);
