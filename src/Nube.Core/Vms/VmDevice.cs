namespace Nube.Core.Vms;

/// <summary>One device of a VM as <c>vm show</c> names it: where it is, its kind, its model, what it holds.</summary>
/// <param name="MacAddress">A network adapter's address, by which the guest's report of its IP addresses is matched.</param>
public sealed record VmDevice(string Name, DeviceKind Kind, string Model, string Detail, string? MacAddress = null);
