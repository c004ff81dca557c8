namespace Nube.Core.Vms;

public enum DiskFormat { Raw, Qcow2, Vhd, Vhdx }

public enum DriveMedia { HardDisk, Dvd }
