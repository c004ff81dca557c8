using Nube.Core.Hosts;

namespace Nube.Core.Validation;

/// <summary>Checks the host's own settings (host.json) and returns every problem at once.</summary>
public static class HostConfigRules
{
    public const int MaxStorageRoots = 32;
    public const int MinStopTimeoutSeconds = 1;
    public const int MaxStopTimeoutSeconds = 3600;
    public const int MaxMigrationBandwidthMiBps = 1024 * 1024;
    public const int MaxLiveMigrationsAtOnce = 16;
    public const int MaxMigrationDowntimeMs = 60_000;
    public const long MinIsoUploadLimitBytes = 1L << 20;
    public const long MaxIsoUploadLimitBytes = 1L << 40;

    public static IReadOnlyList<ValidationError> Check(HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var errors = new List<ValidationError>();
        if (host.StopTimeoutSeconds is < MinStopTimeoutSeconds or > MaxStopTimeoutSeconds)
            errors.Add(new("stopTimeoutSeconds", Messages.Text(host.StopTimeoutSeconds),
                $"stopTimeoutSeconds: {host.StopTimeoutSeconds} is outside the range {MinStopTimeoutSeconds} to {MaxStopTimeoutSeconds} seconds"));
        if (host.MigrationBandwidthMiBps is < 1 or > MaxMigrationBandwidthMiBps)
            errors.Add(new("migrationBandwidthMiBps", Messages.Text(host.MigrationBandwidthMiBps),
                $"migrationBandwidthMiBps: {host.MigrationBandwidthMiBps} is outside the range 1 to {MaxMigrationBandwidthMiBps} MiB/s"));
        if (host.LiveMigrationsAtOnce is < 1 or > MaxLiveMigrationsAtOnce)
            errors.Add(new("liveMigrationsAtOnce", Messages.Text(host.LiveMigrationsAtOnce),
                $"liveMigrationsAtOnce: {host.LiveMigrationsAtOnce} is outside the range 1 to {MaxLiveMigrationsAtOnce}"));
        if (host.MigrationMaxDowntimeMs is < 1 or > MaxMigrationDowntimeMs)
            errors.Add(new("migrationMaxDowntimeMs", Messages.Text(host.MigrationMaxDowntimeMs),
                $"migrationMaxDowntimeMs: {host.MigrationMaxDowntimeMs} is outside the range 1 to {MaxMigrationDowntimeMs} ms"));
        if (host.IsoUploadLimitBytes is < MinIsoUploadLimitBytes or > MaxIsoUploadLimitBytes)
            // Named as the setting ('nube host set --iso-upload-limit') is, which host.json keeps as isoUploadLimitBytes.
            errors.Add(new("isoUploadLimit", Messages.Text(host.IsoUploadLimitBytes),
                $"isoUploadLimit: {host.IsoUploadLimitBytes} bytes is outside the range 1 MiB ({MinIsoUploadLimitBytes} bytes) to 1 TiB ({MaxIsoUploadLimitBytes} bytes)"));
        IntegrationRules.CheckTimings(host.HeartbeatIntervalSeconds, host.HeartbeatTimeoutSeconds, host.TimeSyncIntervalSeconds, "", errors);
        CheckStorageRoots(host.StorageRoots.IsDefault ? [] : [.. host.StorageRoots], errors);
        RemoteManagementRules.Check(host.Remote, errors);
        CheckPassthroughDevices(host.PassthroughDevices.IsDefault ? [] : [.. host.PassthroughDevices], errors);
        CheckMacPool(host, errors);
        return errors;
    }

    public const int MaxPassthroughDevices = 64;

    private static void CheckMacPool(HostConfig host, List<ValidationError> errors)
    {
        var minimum = NetworkRules.CheckMac("macAddressMinimum", host.MacAddressMinimum, errors);
        var maximum = NetworkRules.CheckMac("macAddressMaximum", host.MacAddressMaximum, errors);
        if (minimum && maximum && MacAddressPool.Parse(host.MacAddressMinimum) > MacAddressPool.Parse(host.MacAddressMaximum))
            errors.Add(new("macAddressMaximum", host.MacAddressMaximum,
                $"macAddressMaximum: {Quoting.Quote(host.MacAddressMaximum)} comes before macAddressMinimum {Quoting.Quote(host.MacAddressMinimum)}; the range runs from the minimum to the maximum"));
    }

    private static void CheckPassthroughDevices(IReadOnlyList<string> devices, List<ValidationError> errors)
    {
        if (devices.Count > MaxPassthroughDevices)
            errors.Add(new("passthroughDevices", Messages.Text(devices.Count),
                $"passthroughDevices: {devices.Count} devices exceed the limit of {MaxPassthroughDevices}"));
        for (var i = 0; i < devices.Count; i++)
        {
            var device = devices[i];
            if (!device.StartsWith("/dev/", StringComparison.Ordinal) || device.Any(char.IsControl) || HostPaths.Normalize(device) != device)
                errors.Add(new($"passthroughDevices[{i}]", device,
                    $"passthroughDevices[{i}]: {Quoting.Quote(device)} is not a device path; write it as /dev/NAME or /dev/disk/by-id/NAME"));
        }
    }

    private static void CheckStorageRoots(IReadOnlyList<string> roots, List<ValidationError> errors)
    {
        if (roots.Count > MaxStorageRoots)
            errors.Add(new("storageRoots", Messages.Text(roots.Count),
                $"storageRoots: {roots.Count} roots exceed the limit of {MaxStorageRoots} roots"));
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < roots.Count; i++)
        {
            var field = $"storageRoots[{i}]";
            var root = roots[i];
            var quoted = Quoting.Quote(root);
            if (!root.StartsWith('/'))
                errors.Add(new(field, root, $"{field}: {quoted} is not an absolute path"));
            else if (root.Any(char.IsControl))
                errors.Add(new(field, root, $"{field}: {quoted} contains a control character"));
            else if (HostPaths.Normalize(root) == "/")
                errors.Add(new(field, root, $"{field}: {quoted} is the whole file system; a storage root must be a folder below /"));
            else if (!seen.TryAdd(HostPaths.Normalize(root), i))
                errors.Add(new(field, root, $"{field}: {quoted} is already storageRoots[{seen[HostPaths.Normalize(root)]}]"));
        }
    }
}
