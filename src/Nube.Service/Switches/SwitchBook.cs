using System.Collections.Immutable;
using Nube.Core.Switches;

namespace Nube.Service.Switches;

/// <summary>
/// The host's switches as stored, for readers on any thread (VM validation, ports at launch);
/// <see cref="SwitchService"/> is its one writer and replaces the list whole.
/// </summary>
public sealed class SwitchBook
{
    private ImmutableArray<VirtualSwitch> switches = [];

    public ImmutableArray<VirtualSwitch> All => switches;

    public IReadOnlyCollection<string> Names => [.. switches.Select(s => s.Name)];

    public VirtualSwitch? Find(string name) =>
        switches.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    internal void Set(ImmutableArray<VirtualSwitch> all) => ImmutableInterlocked.InterlockedExchange(ref switches, all);
}
