namespace Nube.Core.Vms;

/// <summary>One device of a VM as <c>vm show</c> names it: where it is, its kind, its model, what it holds.</summary>
public sealed record VmDevice(string Name, DeviceKind Kind, string Model, string Detail);
