namespace Nube.Contracts.Vms;

public sealed record ComPortSettings
{
    public bool Log { get; init; } = true;
}
