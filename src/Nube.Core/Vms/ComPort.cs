namespace Nube.Core.Vms;

/// <summary>COM1: always a socket in the VM's runtime folder (for <c>vm console</c>), optionally logged.</summary>
public sealed record ComPort
{
    /// <summary>Keep a copy of everything the guest writes in the VM's folder as <c>com1.log</c>.</summary>
    public bool Log { get; init; } = true;
}
