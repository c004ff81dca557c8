namespace Nube.Core.Hosts;

/// <summary>The host's accelerator setting: auto picks KVM only when it is usable.</summary>
public enum AcceleratorSetting { Auto, Kvm, Tcg }

public enum Accelerator { Kvm, Tcg }
