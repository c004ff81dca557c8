using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Nube.Core.Qemu;

/// <summary>
/// One QEMU object's properties as data (a <c>-device</c>, a <c>-blockdev</c>), in order, so that
/// one model renders both the command line of a cold boot and the QMP arguments of a hot plug.
/// A value is a string, a whole number, a bool (<c>on</c>/<c>off</c>), <see cref="Null"/> or a
/// <see cref="FdSet"/>; a dotted key (<c>cache.direct</c>) is a nested object in QMP.
/// </summary>
public sealed record QemuProps(ImmutableArray<KeyValuePair<string, object>> Items)
{
    /// <summary>QMP's JSON null (<c>backing: null</c>), which the command line spells <c>null</c>.</summary>
    public static readonly object Null = new NullValue();

    public static QemuProps Of(params (string Key, object Value)[] items) =>
        new([.. items.Select(i => KeyValuePair.Create(i.Key, i.Value))]);

    public QemuProps With(string key, object value) => new(Items.Add(KeyValuePair.Create(key, value)));

    public object? this[string key] => Items.FirstOrDefault(i => i.Key == key).Value;

    /// <summary>
    /// <c>key=value,...</c>; a <see cref="FdSet"/> is resolved by <paramref name="file"/>. With
    /// <paramref name="positionalDriver"/> the <c>driver</c> comes first without its key, as
    /// <c>-device</c> writes it.
    /// </summary>
    public string ToOption(Func<FdSet, string>? file = null, bool positionalDriver = false) =>
        string.Join(',', Items.Select(i => positionalDriver && i.Key == "driver" ? Text(i.Value, file) : $"{i.Key}={Text(i.Value, file)}"));

    /// <summary>The QMP arguments; a <see cref="FdSet"/> is written as <c>/dev/fdset/${node}</c>, filled in when the plan runs.</summary>
    public JsonObject ToJson()
    {
        var root = new JsonObject();
        foreach (var (key, value) in Items)
        {
            var parts = key.Split('.');
            var at = root;
            foreach (var part in parts[..^1])
                at = (JsonObject)(at[part] ??= new JsonObject());
            at[parts[^1]] = value switch
            {
                string s => JsonValue.Create(s),
                int n => JsonValue.Create(n),
                long n => JsonValue.Create(n),
                bool b => JsonValue.Create(b),
                FdSet f => JsonValue.Create(f.Placeholder),
                _ => null,
            };
        }
        return root;
    }

    private static string Text(object value, Func<FdSet, string>? file) => value switch
    {
        string s => QemuOption.Escape(s),
        int n => n.ToString(CultureInfo.InvariantCulture),
        long n => n.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "on" : "off",
        FdSet f => file?.Invoke(f) ?? f.Placeholder,
        _ => "null",
    };

    private sealed class NullValue;
}

/// <summary>
/// A file nubed opens and hands QEMU, which opens it as <c>/dev/fdset/N</c>: at a cold boot N is
/// an inherited descriptor, at a hot plug the number QMP's <c>add-fd</c> returns.
/// </summary>
/// <param name="Node">The block node it belongs to, which names the fdset in a plan.</param>
/// <param name="Field">The configuration field it comes from, for errors.</param>
public sealed record FdSet(string Node, string Path, bool ReadOnly, string Field)
{
    public string Placeholder => $"/dev/fdset/${{{Node}}}";
}
