using Nube.Core.Vms;

namespace Nube.Core.Validation;

/// <summary>The integration services' timings, per VM and for the host.</summary>
public static class IntegrationRules
{
    public const int MaxHeartbeatIntervalSeconds = 3600;
    public const int MaxHeartbeatTimeoutSeconds = 300;
    public const int MaxTimeSyncIntervalSeconds = 86400;

    public static void Check(IntegrationSettings settings, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(settings);
        CheckTimings(settings.HeartbeatIntervalSeconds, settings.HeartbeatTimeoutSeconds, settings.TimeSyncIntervalSeconds,
            "integrationServices.", errors);
    }

    /// <param name="prefix">What goes before each field's name in a message ("integrationServices." for a VM).</param>
    public static void CheckTimings(int? heartbeatInterval, int? heartbeatTimeout, int? timeSyncInterval, string prefix,
        List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Range(prefix + "heartbeatIntervalSeconds", heartbeatInterval, 1, MaxHeartbeatIntervalSeconds, errors);
        Range(prefix + "heartbeatTimeoutSeconds", heartbeatTimeout, 1, MaxHeartbeatTimeoutSeconds, errors);
        Range(prefix + "timeSyncIntervalSeconds", timeSyncInterval, 0, MaxTimeSyncIntervalSeconds, errors);
    }

    private static void Range(string field, int? value, int min, int max, List<ValidationError> errors)
    {
        if (value is { } v && (v < min || v > max))
            errors.Add(new(field, Messages.Text(v), $"{field}: {v} is outside the range {min} to {max} seconds"));
    }
}
