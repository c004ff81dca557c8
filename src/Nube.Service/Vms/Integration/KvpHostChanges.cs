using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Vms.Integration;

/// <summary>Adds or replaces one of the host's data exchange pairs, within the per-VM limit; the host keeps them, so no hardware changes.</summary>
public sealed record SetKvpHostItem(string Key, string Value) : ConfigChange
{
    public override bool TouchesHardware => false;

    public override VmConfig Apply(VmConfig current)
    {
        var others = current.KvpHostItems.Where(i => i.Key != Key).ToList();
        if (others.Count >= KvpRules.MaxItems)
            throw new ValidationException([new("key", Key, $"key: {KvpService.Show(Key)} would be pair {others.Count + 1} of VM '{current.Name}', " +
                $"over the limit of {KvpRules.MaxItems} host pairs per VM; remove one first")]);
        return current with { KvpHostItems = [.. others.Append(new KvpHostItem(Key, Value)).OrderBy(i => i.Key, StringComparer.Ordinal)] };
    }
}

/// <summary>Removes one of the host's data exchange pairs.</summary>
public sealed record RemoveKvpHostItem(string Key) : ConfigChange
{
    public override bool TouchesHardware => false;

    /// <exception cref="KvpKeyNotFoundException">The VM has no host pair with this key.</exception>
    public override VmConfig Apply(VmConfig current) => current with
    {
        KvpHostItems = current.KvpHostItems.Remove(current.KvpHostItems.FirstOrDefault(i => i.Key == Key)
            ?? throw new KvpKeyNotFoundException($"VM '{current.Name}' has no host pair with key {KvpService.Show(Key)}.")),
    };
}
