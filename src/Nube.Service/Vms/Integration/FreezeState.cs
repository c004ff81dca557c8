namespace Nube.Service.Vms.Integration;

/// <summary>The guest's file systems, frozen by the host: since when, until when at the latest, and why.</summary>
public sealed record FreezeState(DateTimeOffset Since, DateTimeOffset ThawDeadline, string Reason, int FileSystems);
