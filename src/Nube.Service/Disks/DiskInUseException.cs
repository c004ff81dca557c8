namespace Nube.Service.Disks;

/// <summary>A disk operation refused because a VM uses the file, or another disk has it as its parent; the message names them.</summary>
public sealed class DiskInUseException(string message) : Exception(message);
