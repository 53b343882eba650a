using RleTcp.Imaging;
using RleTcp.Protocol.Framing;
using RleTcp.Tests.Imaging;
using RleTcp.Tests.Support;
using Xunit.Abstractions;

using Probe = RleTcp.Tests.Hardening.Hardening;

namespace RleTcp.Tests.Server.Execution;

/// <summary>
/// A big grey PNG through the server, whose idle worker joins its intake (unfilter on one worker, convert on the
/// other): the answer is the one-thread intake's bytes, and small requests from other clients are still answered
/// meanwhile, because a queued request goes before a band.
/// </summary>
[Collection(nameof(RleTcp.Tests.Hardening.MemoryMeasurements))] // alone, so the timings are this test's own
[Trait("Category", "Socket")]
public class BandIntakeHelpersTests(ITestOutputHelper output)
{
    private const int Flood = 12;

    [Fact]
    public async Task Small_requests_are_answered_while_big_grey_pngs_are_converted_on_both_workers()
    {
        byte[] big = GreyScan(2400, 2400);
        byte[] bigExpected = RleCompressor.Compress(big, IntakeOptions.Default);
        byte[] light = Probe.Input(Probe.ProbeVector);
        byte[] lightExpected = Probe.Expected(Probe.ProbeVector);
        await using TestServer server = await TestServer.StartAsync(o => o.Workers = 2);

        // One big request alone, best of three: the unit of the bound (and the helpers' answer checked).
        TimeSpan unit = await FloodProbe.BestOfThreeAsync(server, big, answer =>
        {
            Assert.Equal(ResponseStatus.Ok, answer.Status);
            Assert.Equal(bigExpected, answer.Body);
        });

        FloodProbe.Result result = await FloodProbe.RunAsync(
            server, big, Flood, answer => answer.Status == ResponseStatus.Ok && answer.Body.AsSpan().SequenceEqual(bigExpected),
            light, lightExpected, lightClients: 1);
        int same = result.HeavyAccepted;
        double[] sorted = result.LightMs;
        double p99 = result.P99;
        double bound = (3 * unit.TotalMilliseconds) + 500;
        output.WriteLine($"big request alone {unit.TotalMilliseconds:F0} ms; {same} of {Flood} pipelined big answers equal; " +
                         $"light requests {sorted.Length}, p50 {result.P50:F0} ms, p99 {p99:F0} ms; bound {bound:F0} ms");

        Assert.Equal(Flood, same);
        Assert.True(sorted.Length >= 3, "Too few light requests were measured.");
        Assert.True(p99 <= bound, $"light p99 {p99:F0} ms over the bound of {bound:F0} ms");
    }

    // A scan-like grey page: paper with noise and dark bands, every row Paeth-filtered (as scanners' encoders write them).
    private static byte[] GreyScan(int width, int height)
    {
        var random = new Random(11);
        var samples = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int paper = (y / 40) % 7 == 3 && (x / 9) % 3 != 0 ? 40 : 232;
                samples[(y * width) + x] = (byte)Math.Clamp(paper + random.Next(-12, 13), 0, 255);
            }
        }

        var rows = new byte[(width + 1) * height];
        for (int y = 0; y < height; y++)
        {
            rows[y * (width + 1)] = 4;
            for (int x = 0; x < width; x++)
            {
                int a = x > 0 ? samples[(y * width) + x - 1] : 0, b = y > 0 ? samples[((y - 1) * width) + x] : 0;
                int c = x > 0 && y > 0 ? samples[((y - 1) * width) + x - 1] : 0;
                int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                int predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                rows[(y * (width + 1)) + 1 + x] = (byte)(samples[(y * width) + x] - predictor);
            }
        }

        return HandBuiltFiles.Png(width, height, 8, 0, rows);
    }
}
