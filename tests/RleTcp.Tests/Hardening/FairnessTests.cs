using RleTcp.Protocol.Framing;
using RleTcp.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace RleTcp.Tests.Hardening;

/// <summary>
/// Issue 10, section 3: a heavy client slows itself, not others. One connection floods the server with pipelined
/// large JPEGs while light clients send small images one at a time.
/// </summary>
[Collection(nameof(MemoryMeasurements))] // alone, so the timings are this test's own
[Trait("Category", "Socket")]
public class FairnessTests(ITestOutputHelper output)
{
    private const int Flood = 24;

    [Fact]
    public async Task LightClientsP99UnderAPipelinedFloodOfLargeJpegsStaysWithinThreeHeavyRequestTimes()
    {
        byte[] heavy = NoiseJpeg(2000, 2000);
        byte[] light = Hardening.Input(Hardening.ProbeVector);
        byte[] lightExpected = Hardening.Expected(Hardening.ProbeVector);
        await using TestServer server = await TestServer.StartAsync(o => o.Workers = 2);

        // One heavy request alone, best of three: the unit of the bound.
        TimeSpan unit = await FloodProbe.BestOfThreeAsync(server, heavy, answer => Assert.Equal(ResponseStatus.Ok, answer.Status));

        // Two light clients, one request at a time each, for as long as the flood lasts.
        FloodProbe.Result result = await FloodProbe.RunAsync(
            server, heavy, Flood, answer => answer.Status == ResponseStatus.Ok, light, lightExpected, lightClients: 2);
        int floodOk = result.HeavyAccepted;
        double[] sorted = result.LightMs;
        double p99 = result.P99;
        double bound = (3 * unit.TotalMilliseconds) + 500;
        output.WriteLine($"heavy request alone {unit.TotalMilliseconds:F0} ms; flood of {Flood}: {floodOk} OK; light requests {sorted.Length}, " +
                         $"p50 {result.P50:F0} ms, p99 {p99:F0} ms, max {sorted[^1]:F0} ms; bound {bound:F0} ms " +
                         $"(FIFO would make it about {Flood / 2 * unit.TotalMilliseconds:F0} ms)");

        Assert.Equal(Flood, floodOk); // the heavy client is slowed, not refused
        Assert.True(sorted.Length >= 10, "Too few light requests were measured.");
        Assert.True(p99 <= bound, $"light p99 {p99:F0} ms over the bound of {bound:F0} ms");
    }

    // Grey noise: the JPEG decode (not the transfer or the encode) is the heavy part.
    private static byte[] NoiseJpeg(int width, int height)
    {
        var random = new Random(5);
        using var image = new Image<L8>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<L8> row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    row[x] = new L8((byte)random.Next(256));
                }
            }
        });
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        return stream.ToArray();
    }
}
