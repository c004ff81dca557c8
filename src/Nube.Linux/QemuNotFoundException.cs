namespace Nube.Linux;

public sealed class QemuNotFoundException(string binary) : Exception(
    $"QEMU was not found: '{binary}' is not on PATH ({Environment.GetEnvironmentVariable("PATH")}). " +
    "Install it with scripts/install-deps.sh (QEMU 10 from bookworm-backports).")
{
    public string Binary { get; } = binary;
}
