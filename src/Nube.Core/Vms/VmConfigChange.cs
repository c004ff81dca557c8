namespace Nube.Core.Vms;

/// <summary>
/// One top-level setting that differs between two configurations. <see cref="Field"/> is the
/// name the user types in JSON (see <see cref="VmFields"/>); the values are rendered as text:
/// numbers and strings as they are, enums as their JSON word, records and lists as compact JSON.
/// </summary>
public sealed record VmConfigChange(string Field, string Before, string After);
