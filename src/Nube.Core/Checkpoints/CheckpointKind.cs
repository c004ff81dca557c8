namespace Nube.Core.Checkpoints;

/// <summary>Hyper-V's two kinds of checkpoint.</summary>
public enum CheckpointKind
{
    /// <summary>The disks only, taken with the guest's file systems frozen (the backup service): a backup's consistency, no memory.</summary>
    Production,
    /// <summary>The disks, the memory and the devices' state: applied, the guest goes on from where it was.</summary>
    Standard,
}
