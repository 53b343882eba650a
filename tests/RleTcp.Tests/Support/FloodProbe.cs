using System.Collections.Concurrent;
using System.Diagnostics;

using RleTcp.Protocol.Framing;

namespace RleTcp.Tests.Support;

/// <summary>
/// How a server serves light requests while one connection floods it with pipelined heavy ones: the measurement the
/// fairness and the intake-helper tests share. The bound they assert is in units of one heavy request alone.
/// </summary>
internal static class FloodProbe
{
    /// <summary>What a flood left: how many heavy answers passed, and every light request's round trip.</summary>
    /// <param name="HeavyAccepted">Heavy answers that passed the caller's check.</param>
    /// <param name="LightMs">The light round trips in milliseconds, sorted.</param>
    public sealed record Result(int HeavyAccepted, double[] LightMs)
    {
        /// <summary>The median light round trip.</summary>
        public double P50 => LightMs[LightMs.Length / 2];

        /// <summary>The 99th-percentile light round trip.</summary>
        public double P99 => LightMs[Math.Min(LightMs.Length - 1, (int)(LightMs.Length * 0.99))];
    }

    /// <summary>One heavy request alone, three times on one connection: the fastest round trip. Each answer goes to <paramref name="check"/>.</summary>
    public static async Task<TimeSpan> BestOfThreeAsync(TestServer server, byte[] heavy, Action<Answer> check)
    {
        TimeSpan best = TimeSpan.MaxValue;
        await using FrameClient probe = await server.ConnectAsync();
        for (int i = 0; i < 3; i++)
        {
            var one = Stopwatch.StartNew();
            await probe.SendFrameAsync(heavy);
            Answer answer = await probe.ReadAnswerAsync();
            best = TimeSpan.FromTicks(Math.Min(best.Ticks, one.Elapsed.Ticks));
            check(answer);
        }

        return best;
    }

    /// <summary>
    /// Sends <paramref name="count"/> heavy frames pipelined on one connection and, while their answers come back,
    /// runs <paramref name="lightClients"/> clients that send <paramref name="light"/> one request at a time, each
    /// answer asserted Ok and equal to <paramref name="lightExpected"/>.
    /// </summary>
    public static async Task<Result> RunAsync(
        TestServer server, byte[] heavy, int count, Func<Answer, bool> acceptHeavy, byte[] light, byte[] lightExpected, int lightClients)
    {
        await using FrameClient flooder = await server.ConnectAsync();
        byte[] frame = FrameClient.Frame(heavy);
        for (int i = 0; i < count; i++)
        {
            await flooder.SendRawAsync(frame);
        }

        Task<int> flood = Task.Run(async () =>
        {
            int accepted = 0;
            for (int i = 0; i < count; i++)
            {
                accepted += acceptHeavy(await flooder.ReadAnswerAsync()) ? 1 : 0;
            }

            return accepted;
        });

        var latencies = new ConcurrentBag<double>();
        await Task.WhenAll(Enumerable.Range(0, lightClients).Select(async _ =>
        {
            await using FrameClient client = await server.ConnectAsync();
            while (!flood.IsCompleted)
            {
                var clock = Stopwatch.StartNew();
                await client.SendFrameAsync(light);
                Answer answer = await client.ReadAnswerAsync();
                latencies.Add(clock.Elapsed.TotalMilliseconds);
                Assert.Equal(ResponseStatus.Ok, answer.Status);
                Assert.Equal(lightExpected, answer.Body);
            }
        }));

        return new Result(await flood, [.. latencies.Order()]);
    }
}
