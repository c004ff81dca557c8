namespace Nube.Contracts.Vms;

public sealed record NetworkAdapterSettings
{
    /// <summary>legacy or synthetic.</summary>
    public string? Kind { get; init; }
    public string? MacAddress { get; init; }
    public string? Switch { get; init; }
}
