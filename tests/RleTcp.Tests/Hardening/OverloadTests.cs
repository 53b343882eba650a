using System.Net.Sockets;
using RleTcp.Protocol;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Tests.Support;
using Xunit.Abstractions;

namespace RleTcp.Tests.Hardening;

/// <summary>More large uploads at once than the request-buffer budget holds: Busy for the excess, memory bounded.</summary>
[Trait("Category", "ChildProcess")]
[Collection(nameof(MemoryMeasurements))]
public class OverloadTests(ITestOutputHelper output)
{
    private const long Budget = 24L << 20;
    private const long FrameLimit = 8L << 20;
    private const int Workers = 2;
    private const int Uploads = 24;
    private const long PipeBytes = 1L << 20; // the server's default InputBufferBytes and OutputBufferBytes

    [Fact]
    public async Task ConcurrentLargeUploadsOverTheBudgetGetBusyAndPeakMemoryStaysWithinTheBudgetPlusAMargin()
    {
        // 8192 x 8000 pixels of wide stripes: an 8 MB 1-bit BMP (just under the frame limit) with a small answer.
        using var stripes = new BitImage(8192, 8000);
        for (int y = 0; y < stripes.Height; y++)
        {
            stripes.Row(y).Fill((y / 64) % 2 == 0 ? ulong.MaxValue : 0);
        }

        byte[] frame = FrameClient.Frame(BitImageWriter.ToBmp(stripes));
        Assert.InRange(frame.Length - FrameHeader.Size, FrameLimit / 2, FrameLimit);
        byte[] expected = RleCompressor.Compress(frame.AsMemory(FrameHeader.Size), IntakeOptions.Default);

        await using ServerProcess server = await ServerProcess.StartAsync(
            "--workers", $"{Workers}", "--RleTcp:MaxFrameBytes", $"{FrameLimit}", "--RleTcp:MaxBufferedRequestBytes", $"{Budget}",
            "--Logging:LogLevel:RleTcp.Server.Transport.RleTcpConnection", "Debug");
        await PingAndProbeAsync(server);
        long baseline = server.PeakResidentBytes();

        // Every upload sends its header and half its payload, so the admitted ones hold their reservation while the
        // others' headers arrive; then all finish.
        var sockets = new Socket[Uploads];
        try
        {
            for (int i = 0; i < Uploads; i++)
            {
                sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await sockets[i].ConnectAsync(server.EndPoint);
            }

            int half = frame.Length / 2;
            await Task.WhenAll(sockets.Select(s => new FrameClient(s).SendRawAsync(frame.AsMemory(0, half))));
            // Every header read before any upload completes: each upload the budget cannot hold has been logged
            // over budget (the admitted ones reserve their whole declared length, so that many fit).
            int admitted = (int)(Budget / (frame.Length - FrameHeader.Size));
            await Eventually.TrueAsync(
                () => CountOf(server.Output, "do not fit the request buffer budget") == Uploads - admitted,
                $"the server did not read all {Uploads} headers ({Uploads - admitted} over the budget)");
            Answer[] answers = await Task.WhenAll(sockets.Select(async s =>
            {
                var client = new FrameClient(s);
                await client.SendRawAsync(frame.AsMemory(half));
                return await client.ReadAnswerAsync();
            }));

            int ok = answers.Count(a => a.Status == ResponseStatus.Ok);
            int busy = answers.Count(a => a.Status == ResponseStatus.Busy);
            long peak = server.PeakResidentBytes();

            // Beyond the budget the server holds: pooled arrays rounded up to a power of two (an 8 MB payload rents
            // 16 MiB, so up to twice the budget); per worker a decoded image (8 MB) and its answer; per connection its
            // two bounded pipes; and 64 MiB for the runtime (GC regions committed ahead, thread stacks, JIT).
            long decoded = (long)stripes.Width * stripes.Height / 8;
            long margin = Budget + (Workers * (decoded + expected.Length)) + (Uploads * 2 * PipeBytes) + (64L << 20);
            output.WriteLine($"{ok} OK, {busy} Busy; peak RSS {peak >> 20} MiB, baseline {baseline >> 20} MiB, growth {(peak - baseline) >> 20} MiB, allowed {(Budget + margin) >> 20} MiB");

            Assert.Equal(Uploads, ok + busy);
            Assert.All(answers.Where(a => a.Status == ResponseStatus.Ok), a => Assert.Equal(expected, a.Body));
            Assert.InRange(ok, 1, Uploads - 1);
            Assert.True(peak - baseline <= Budget + margin, $"peak RSS grew {peak - baseline} bytes; allowed {Budget + margin}");
        }
        finally
        {
            foreach (Socket? s in sockets)
            {
                s?.Dispose();
            }
        }

        // Still serving, and it stops cleanly.
        Assert.False(server.HasExited);
        await PingAndProbeAsync(server);
        Assert.Equal(0, await server.StopAsync());
    }

    private static int CountOf(string text, string what)
    {
        int count = 0;
        for (int at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task PingAndProbeAsync(ServerProcess server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.EndPoint);
        await using var client = new FrameClient(socket);
        await client.AssertPingAsync();
        await client.SendFrameAsync(Hardening.Input(Hardening.ProbeVector));
        Assert.Equal(Hardening.Expected(Hardening.ProbeVector), (await client.ReadAnswerAsync()).Body);
    }
}
