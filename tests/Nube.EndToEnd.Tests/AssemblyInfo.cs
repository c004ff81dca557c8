// Every test boots real guests under TCG on a 2-core machine: one test at a time keeps the
// guests' timing, and so the tests, deterministic.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
