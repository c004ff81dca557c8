namespace Nube.Core.Vms;

/// <summary>
/// One host-to-guest key-value pair (data exchange) that the host keeps with the VM and writes
/// into the guest as <c>/var/lib/nube/kvp/host/&lt;key&gt;</c>.
/// </summary>
public sealed record KvpHostItem(string Key, string Value);
