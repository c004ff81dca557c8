namespace Nube.Qemu.Protocol;

/// <summary>The QEMU version from the QMP greeting; callers gate features on it (e.g. TCG live migration needs 9.0).</summary>
public readonly record struct QemuVersion(int Major, int Minor, int Micro)
{
    public override string ToString() => $"{Major}.{Minor}.{Micro}";
}
