using Nube.Core.Integration;

namespace Nube.Core.Vms;

/// <summary>
/// A change of a VM's configuration, as data: its controller applies it to the configuration it
/// has when the change's turn comes, then judges the result against every rule.
/// </summary>
public abstract record ConfigChange
{
    /// <summary>The changed configuration; not validated, so the caller validates the result.</summary>
    public abstract VmConfig Apply(VmConfig current);

    /// <summary>True when it changes the virtual hardware (which waits for the VM's jobs), not only what the host keeps for itself.</summary>
    public virtual bool TouchesHardware => true;
}

/// <summary>Turns one integration service on or off, leaving the others as they are.</summary>
public sealed record SwitchIntegrationService(IntegrationService Service, bool Enabled) : ConfigChange
{
    public override VmConfig Apply(VmConfig current) => current with { IntegrationServices = current.IntegrationServices.With(Service, Enabled) };

    public override bool TouchesHardware => false;
}

/// <summary>Every adapter on the named virtual switch is left not connected (the switch is being removed).</summary>
public sealed record DisconnectSwitch(string SwitchName) : ConfigChange
{
    public override VmConfig Apply(VmConfig current) => current with
    {
        NetworkAdapters = [.. current.NetworkAdapters.Select(a =>
            string.Equals(NetworkAdapter.SwitchName(a), SwitchName, StringComparison.OrdinalIgnoreCase) ? a with { Switch = null } : a)],
    };
}
