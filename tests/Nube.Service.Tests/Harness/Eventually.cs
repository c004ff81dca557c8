namespace Nube.Service.Tests.Harness;

/// <summary>Bounded waits: a test that waits for something that never happens fails, it never hangs.</summary>
internal static class Eventually
{
    /// <summary>
    /// How long any one step of a test may take before it fails: a limit for what never comes, not
    /// a speed target, so it allows for a CI box of 2 cores that boots guests under TCG meanwhile.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Environment.TickCount64 + (long)(timeout ?? Timeout).TotalMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
                Assert.Fail($"Timed out waiting until {what}.");
            await Task.Delay(10);
        }
    }

    /// <summary>Waits for <paramref name="task"/>, failing the test (not hanging it) after the timeout.</summary>
    public static async Task Within(this Task task, string what, TimeSpan? timeout = null)
    {
        try
        {
            await task.WaitAsync(timeout ?? Timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out waiting for {what}.");
        }
    }

    public static async Task<T> Within<T>(this Task<T> task, string what, TimeSpan? timeout = null)
    {
        await ((Task)task).Within(what, timeout);
        return await task;
    }
}
