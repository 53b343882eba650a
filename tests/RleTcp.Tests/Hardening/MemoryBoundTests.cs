using RleTcp.Tests.Support;
using Xunit.Abstractions;

namespace RleTcp.Tests.Hardening;

/// <summary>
/// Issue 10, section 2: the server's peak memory is bounded by its configuration, not by what clients send. A child
/// server process on its defaults (2 workers here) takes every memory attack at once while good clients are answered.
/// </summary>
[Collection(nameof(MemoryMeasurements))]
[Trait("Category", "ChildProcess")]
public class MemoryBoundTests(ITestOutputHelper output)
{
    /// <summary>The stated bound on the defaults (README, "Limits and security").</summary>
    public const long PeakResidentBound = 1L << 30;

    [Fact]
    public async Task EveryMemoryBombAtOnceWithGoodTrafficKeepsPeakRssUnderOneGibibyteAndGoodAnswersRight()
    {
        await using ServerProcess server = await ServerProcess.StartAsync("--workers", "2");
        var mix = new AttackMix(server.EndPoint);
        long peak = 0;

        await mix.RunAsync(TimeSpan.FromSeconds(15), () => peak = Math.Max(peak, server.HasExited ? peak : server.PeakResidentBytes()));

        output.WriteLine($"peak RSS {peak >> 20} MiB (bound {PeakResidentBound >> 20} MiB); {mix.Summary()}");
        Assert.False(server.HasExited, "The server died under the attacks.");
        Assert.True(mix.Problems.Count == 0, string.Join("\n", mix.Problems.Take(10)));
        Assert.Equal(0, mix.Wrong);
        Assert.Equal(0, mix.Lost);
        Assert.True(mix.GoodOk > 0, "No good request was answered OK.");
        Assert.True(peak <= PeakResidentBound, $"peak RSS {peak >> 20} MiB over the bound of {PeakResidentBound >> 20} MiB");
        Assert.Equal(0, await server.StopAsync());
    }
}
