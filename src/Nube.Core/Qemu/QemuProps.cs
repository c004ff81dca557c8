using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Nube.Core.Qemu;

/// <summary>
/// One QEMU object's properties as data (a <c>-device</c>, a <c>-blockdev</c>), in order, so that
/// one model renders both the command line of a cold boot and the QMP arguments of a hot plug.
/// A value is a string, a whole number, a bool, <see cref="Null"/>, a <see cref="FdSet"/> or
/// <see cref="TapQueues"/>; a dotted key (<c>cache.direct</c>) is a nested object.
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
    /// The QMP arguments, and the command line's JSON form of <c>-blockdev</c> and <c>-device</c>
    /// (the only one with a null: <c>backing=null</c> would name a node "null"). A
    /// <see cref="FdSet"/> is resolved by <paramref name="file"/>, else written as
    /// <c>/dev/fdset/${node}</c>, filled in when the plan runs. <see cref="TapQueues"/> are
    /// resolved by <paramref name="tap"/>, else written as the names a hot add passes them under.
    /// </summary>
    public JsonObject ToJson(Func<FdSet, string>? file = null, Func<TapQueues, string>? tap = null)
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
                FdSet f => JsonValue.Create(file?.Invoke(f) ?? f.Placeholder),
                TapQueues t => JsonValue.Create(tap?.Invoke(t) ?? string.Join(':', t.Names)),
                _ => null,
            };
        }
        return root;
    }

    private sealed class NullValue;
}

/// <summary>
/// A file nubed opens and hands QEMU, which opens it as <c>/dev/fdset/N</c>: at a cold boot N is
/// an inherited descriptor, at a hot plug the number QMP's <c>add-fd</c> returns.
/// </summary>
/// <param name="Node">The block node it belongs to, which names the fdset in a plan.</param>
/// <param name="Field">The configuration field it comes from, for errors.</param>
public sealed record FdSet(string Node, string Path, bool ReadOnly, string Field, bool Direct = false)
{
    public string Placeholder => $"/dev/fdset/${{{Node}}}";
}
