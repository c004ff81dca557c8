using System.Diagnostics;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>Bounded waits on a real host: a test that waits for what never comes fails, it never hangs.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
                throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(250);
        }
    }
}
