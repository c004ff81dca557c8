namespace Nube.Service.Vms.Integration;

/// <summary>The last setting of the guest's clock during a run, and the drift it corrected.</summary>
/// <param name="DriftMilliseconds">Guest clock minus host clock just before the setting: positive when the guest ran ahead.</param>
public sealed record TimeSyncState(DateTimeOffset At, double DriftMilliseconds);
