namespace RleTcp.Tests.Support;

/// <summary>
/// The one polling helper: waits for an observable condition with a bounded timeout instead of sleeping and hoping.
/// Fails the test (with <c>because</c>) when the condition is still false after <see cref="TestServer.Patience"/>.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    /// <summary>Polls <paramref name="condition"/> every 10 ms until it holds; asserts it does within <paramref name="within"/>.</summary>
    public static async Task TrueAsync(Func<bool> condition, string because = "the awaited condition never held", TimeSpan? within = null)
    {
        Assert.True(await HoldsAsync(condition, within), because);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="within"/> passes; returns whether it held.</summary>
    public static async Task<bool> HoldsAsync(Func<bool> condition, TimeSpan? within = null)
    {
        DateTime until = DateTime.UtcNow + (within ?? TestServer.Patience);
        while (!condition())
        {
            if (DateTime.UtcNow >= until)
            {
                return condition();
            }

            await Task.Delay(Step);
        }

        return true;
    }
}
