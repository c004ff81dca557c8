// Every test boots real guests under TCG on a 2-core machine. One guest keeps one core busy and
// leaves the other mostly idle, so two test classes run at once; the classes whose assertions
// measure time, bandwidth or shares of the processor run alone (the Alone collection), after
// the others, so that the guests' timing stays as a single test would see it.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 2)]

namespace Nube.EndToEnd.Tests;

/// <summary>Test classes that must have the machine to themselves: their assertions measure time, throughput or processor shares.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Alone
{
    public const string Name = "Alone";
}
