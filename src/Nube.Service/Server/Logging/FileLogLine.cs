using System.Text;

namespace Nube.Service.Server.Logging;

/// <summary>One entry of the log file: its UTC date and time, level, category, message and exception.</summary>
public static class FileLogLine
{
    /// <summary>
    /// <c>2026-12-06T18:03:18.123Z info  Nube.Service.Vms.VmRegistry: message</c>; an exception
    /// follows on its own lines, each indented, so that every entry starts with its date.
    /// </summary>
    public static string Format(DateTimeOffset time, LogLevel level, string category, string message, Exception? exception)
    {
        var text = new StringBuilder()
            .Append(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture))
            .Append(' ').Append(Word(level).PadRight(5)).Append(' ').Append(category).Append(": ");
        AppendIndented(text, message);
        if (exception is not null)
        {
            text.Append("\n    ");
            AppendIndented(text, exception.ToString());
        }
        return text.Append('\n').ToString();
    }

    private static void AppendIndented(StringBuilder text, string value) =>
        text.Append(value.ReplaceLineEndings("\n    "));

    private static string Word(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "crit",
        _ => level.ToString(),
    };
}
