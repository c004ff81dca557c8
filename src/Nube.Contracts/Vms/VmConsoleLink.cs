namespace Nube.Contracts.Vms;

/// <summary>Where the web console shows a VM's console (serial and screen), as <c>nube vm connect</c> prints it.</summary>
public sealed record VmConsoleLink
{
    public required string Url { get; init; }
}
