using System.Collections.Concurrent;
using System.Diagnostics;
using RleTcp.Client;
using RleTcp.Protocol.Framing;
using RleTcp.Tests.Support;
using Xunit.Abstractions;

namespace RleTcp.Tests.Hardening;

/// <summary>
/// Many client-library connections sending a mix of valid and invalid images for a bounded time: zero wrong answers,
/// zero missing answers, every error accounted for by its status. By default a 10-second mini-soak of 64 connections;
/// <c>RLETCP_SOAK_SECONDS=N</c> runs N seconds with 256 connections (the soak; for CI, about 60-120).
/// </summary>
[Collection(nameof(MemoryMeasurements))]
[Trait("Category", "Socket")]
public class SoakTests(ITestOutputHelper output)
{
    private const string SecondsVariable = "RLETCP_SOAK_SECONDS";

    [Fact]
    public async Task AMixOfValidAndInvalidImagesOverManyConnectionsGetsEveryAnswerRight()
    {
        (TimeSpan duration, int connections) = Environment.GetEnvironmentVariable(SecondsVariable) is { Length: > 0 } text
            ? (TimeSpan.FromSeconds(int.Parse(text, System.Globalization.CultureInfo.InvariantCulture)), 256)
            : (TimeSpan.FromSeconds(10), 64);
        Payload[] payloads = Payloads();
        await using TestServer server = await TestServer.StartAsync(o => o.MaxConnections = connections + 16);

        var byStatus = new ConcurrentDictionary<ResponseStatus, long>();
        long wrong = 0, missing = 0, busy = 0;
        var problems = new ConcurrentQueue<string>();
        long deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
        {
            var options = new RleTcpClientOptions { RequestTimeout = TimeSpan.FromSeconds(30) };
            await using RleTcpClient client = await RleTcpClient.ConnectAsync(server.EndPoint, options);
            var random = new Random(c);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                // A few pipelined requests at a time, in a random mix.
                Payload[] batch = Enumerable.Range(0, 4).Select(_ => payloads[random.Next(payloads.Length)]).ToArray();
                Task<RleTcpResponse>[] sent = batch.Select(p => client.SendAsync(p.Data)).ToArray();
                for (int i = 0; i < batch.Length; i++)
                {
                    RleTcpResponse response;
                    try
                    {
                        response = await sent[i];
                    }
                    catch (RleTcpConnectionException e)
                    {
                        Interlocked.Increment(ref missing);
                        problems.Enqueue($"{batch[i].Name}: no answer ({e.Message})");
                        return;
                    }

                    byStatus.AddOrUpdate(response.Status, 1, (_, n) => n + 1);
                    if (response.Status == ResponseStatus.Busy)
                    {
                        Interlocked.Increment(ref busy); // capacity, not an error in the answer: retrying is safe
                    }
                    else if (response.Status != batch[i].Status || (batch[i].Rle is { } rle && !rle.AsSpan().SequenceEqual(response.Body)))
                    {
                        Interlocked.Increment(ref wrong);
                        problems.Enqueue($"{batch[i].Name}: expected {batch[i].Status}, got {response.Status}");
                    }
                }
            }
        }));

        long total = byStatus.Values.Sum();
        output.WriteLine($"{duration.TotalSeconds:0} s, {connections} connections: {total} requests ({total / duration.TotalSeconds:0}/s), " +
                         string.Join(", ", byStatus.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}")) +
                         $"; wrong {wrong}, missing {missing}, busy {busy}");
        Assert.True(problems.IsEmpty, string.Join("\n", problems.Take(10)));
        Assert.Equal(0, wrong);
        Assert.Equal(0, missing);
        Assert.True(byStatus.GetValueOrDefault(ResponseStatus.Ok) > 0 && byStatus.GetValueOrDefault(ResponseStatus.InvalidImage) > 0
                    && byStatus.GetValueOrDefault(ResponseStatus.ImageTooLarge) > 0, "The mix did not reach every expected status.");
        Assert.DoesNotContain(byStatus.Keys, s => s is ResponseStatus.InternalError or ResponseStatus.Timeout or ResponseStatus.FrameTooLarge);
        await Hardening.AssertFreshClientIsServedAsync(server);
        ServerAssertions.NoServerFault(server);
    }

    private sealed record Payload(string Name, byte[] Data, ResponseStatus Status, byte[]? Rle);

    // Small reference images, hostile files with a deterministic verdict, noise, and cut files; each with the local
    // intake's verdict as the expected answer.
    private static Payload[] Payloads()
    {
        var inputs = new List<(string Name, byte[] Data)>();
        foreach (VectorCase vector in Vectors.All.Where(v => (long)v.Width * v.Height <= 300_000))
        {
            inputs.Add((vector.File, File.ReadAllBytes(vector.InputPath)));
        }

        foreach (string file in new[]
                 {
                     "png-bomb-60000x60000.png", "png-bad-crc.png", "png-truncated-zlib.png", "png-zero-width.png",
                     "bmp-lying-offset-and-palette.bmp", "gif-huge-screen.gif", "pbm-huge-header.pbm", "tiff-corrupt-ccitt-strip.tif",
                     "jpeg-truncated.jpg",
                 })
        {
            inputs.Add((file, Hardening.Regression(file)));
        }

        byte[] noise = new byte[3000];
        new Random(7).NextBytes(noise);
        inputs.Add(("noise", noise));
        byte[] page = Hardening.Input("syn_w1000_runs.png");
        inputs.Add(("half a PNG", page[..(page.Length / 2)]));

        return inputs.Select(i =>
        {
            (ResponseStatus status, byte[]? rle) = Hardening.Local(i.Data);
            return new Payload(i.Name, i.Data, status, rle);
        }).ToArray();
    }
}

/// <summary>
/// Issue 10's soak: every memory and fairness attack at once against the server executable on its defaults, for
/// <c>RLETCP_SOAK_SECONDS</c> (default 10 s): 0 wrong, 0 lost answers, peak RSS under the stated bound.
/// </summary>
[Collection(nameof(MemoryMeasurements))]
[Trait("Category", "ChildProcess")]
public class AttackSoakTests(ITestOutputHelper output)
{
    private const string SecondsVariable = "RLETCP_SOAK_SECONDS";

    [Fact]
    public async Task EveryAttackAtOnceAgainstAServerProcessLosesNoAnswerGetsNoneWrongAndStaysUnderTheRssBound()
    {
        // Issue 10's soak: the memory bombs, a hog that never reads, 30 slow readers and good clients, all at once, for
        // RLETCP_SOAK_SECONDS (default 10 s), against the real executable on its defaults.
        TimeSpan duration = Environment.GetEnvironmentVariable(SecondsVariable) is { Length: > 0 } text
            ? TimeSpan.FromSeconds(int.Parse(text, System.Globalization.CultureInfo.InvariantCulture))
            : TimeSpan.FromSeconds(10);
        await using ServerProcess server = await ServerProcess.StartAsync("--workers", "2");
        var mix = new AttackMix(server.EndPoint);
        long peak = 0;

        await mix.RunAsync(duration, () => peak = Math.Max(peak, server.HasExited ? peak : server.PeakResidentBytes()));

        output.WriteLine($"{duration.TotalSeconds:0} s, every attack: peak RSS {peak >> 20} MiB (bound {MemoryBoundTests.PeakResidentBound >> 20} MiB); {mix.Summary()}");
        Assert.False(server.HasExited, "The server died under the attacks.");
        Assert.True(mix.Problems.Count == 0, string.Join("\n", mix.Problems.Take(10)));
        Assert.Equal(0, mix.Wrong);
        Assert.Equal(0, mix.Lost);
        Assert.True(mix.GoodOk > 0, "No good request was answered OK.");
        Assert.True(peak <= MemoryBoundTests.PeakResidentBound, $"peak RSS {peak >> 20} MiB over the bound");
        Assert.Equal(0, await server.StopAsync());
    }
}
