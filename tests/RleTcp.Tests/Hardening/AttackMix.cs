using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Framing;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Hardening;

/// <summary>
/// Every memory and fairness attack of issue 10 at once against one server, with good clients checking their answers
/// byte for byte: WebP decode bombs (62 bytes declaring 10000x10000 and 7000x7000, a 3.9 KB lossless 10000x10000), one
/// connection pipelining 64 requests whose answers are 36 MB each and never reading, and 30 slow readers pipelining
/// requests with 1 MB answers. (The hanging PNG of section 1 is left out: until decoders run in child processes it
/// takes a worker for good, which is the sandbox's finding, not a memory one.)
/// </summary>
internal sealed class AttackMix
{
    public const int SlowReaders = 30;
    public const int GoodClients = 8;
    private readonly IPEndPoint _server;
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentBag<double> _goodLatencyMs = [];
    private long _goodOk, _goodBusy, _wrong, _lost, _bombAnswers, _slowAnswers;
    private double _bombMaxMs;

    // The server answers every request within its RequestTimeout (60 s on the defaults), Timeout at worst.
    private static readonly TimeSpan AnswerPatience = TimeSpan.FromSeconds(75);

    public AttackMix(IPEndPoint server) => _server = server;

    public long GoodOk => Interlocked.Read(ref _goodOk);

    public long GoodBusy => Interlocked.Read(ref _goodBusy);

    public long Wrong => Interlocked.Read(ref _wrong);

    public long Lost => Interlocked.Read(ref _lost);

    public IReadOnlyCollection<string> Problems => _problems;

    public string Summary()
    {
        double[] ms = _goodLatencyMs.Order().ToArray();
        double p99 = ms.Length == 0 ? 0 : ms[Math.Min(ms.Length - 1, (int)(ms.Length * 0.99))];
        return $"good: {GoodOk} OK, {GoodBusy} Busy, {Wrong} wrong, {Lost} lost, p99 {p99:F0} ms; bombs answered {_bombAnswers}; " +
               $"slowest bomb answer {_bombMaxMs:F0} ms; slow-reader answers {_slowAnswers}";
    }

    /// <summary>Runs every attack and the good clients for <paramref name="duration"/>; <paramref name="sample"/> runs every 250 ms.</summary>
    public async Task RunAsync(TimeSpan duration, Action sample)
    {
        using var stop = new CancellationTokenSource(duration);
        var checker = BitImageWriter.ToPng(TestImages.Checkerboard(6000, 6000)); // 36 MB answer from a few KB
        var smallChecker = BitImageWriter.ToPng(TestImages.Checkerboard(1000, 1000)); // 1 MB answer
        (string Name, byte[] Data)[] bombs =
        [
            ("webp 62 B 10000x10000", ServerProcessLifecycleTests.Bomb("webp-62-bytes-declaring-10000x10000.webp")),
            ("webp lossless 10000x10000", ServerProcessLifecycleTests.Bomb("webp-lossless-3.9k-10000x10000.webp")),
            ("webp 62 B 7000x7000", ServerProcessLifecycleTests.Bomb("webp-62-bytes-declaring-7000x7000.webp")),
        ];
        VectorCase[] vectors = Vectors.All.Where(v => (long)v.Width * v.Height <= 300_000).ToArray();
        (byte[] Input, byte[] Expected)[] good = vectors.Select(v => (File.ReadAllBytes(v.InputPath), File.ReadAllBytes(v.ExpectedPath))).ToArray();

        var sockets = new ConcurrentBag<Socket>();
        async Task<FrameClient> Connect()
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            sockets.Add(socket);
            await socket.ConnectAsync(_server);
            return new FrameClient(socket);
        }

        var tasks = new List<Task>();

        // The hog: 64 huge answers pipelined, nothing read.
        tasks.Add(Task.Run(async () =>
        {
            FrameClient hog = await Connect();
            byte[] frame = FrameClient.Frame(checker);
            for (int i = 0; i < 64 && !stop.IsCancellationRequested; i++)
            {
                await hog.SendRawAsync(frame);
            }
        }));

        // Slow readers: 8 pipelined 1 MB answers at a time, read 4 KB per 50 ms.
        for (int r = 0; r < SlowReaders; r++)
        {
            tasks.Add(Task.Run(async () =>
            {
                FrameClient slow = await Connect();
                byte[] frame = FrameClient.Frame(smallChecker);
                byte[] buffer = new byte[4096];
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        for (int i = 0; i < 8; i++)
                        {
                            await slow.SendRawAsync(frame);
                        }

                        // Drains slowly; the answers' sizes are not checked here (the good clients check theirs).
                        long read = 0;
                        while (!stop.IsCancellationRequested && read < 8L * 1_000_000)
                        {
                            int n = await slow.Socket.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                            if (n == 0)
                            {
                                return;
                            }

                            read += n;
                            await Task.Delay(50, stop.Token);
                        }

                        Interlocked.Add(ref _slowAnswers, 8);
                    }
                }
                catch (OperationCanceledException)
                {
                }
                catch (SocketException)
                {
                    // Cut by the server as a non-reader: allowed for an attacker.
                }
            }));
        }

        // Bomb senders: one request at a time each, any verdict but a server fault.
        for (int b = 0; b < 4; b++)
        {
            int seed = b;
            tasks.Add(Task.Run(async () =>
            {
                await using FrameClient bomber = await Connect();
                var random = new Random(seed);
                while (!stop.IsCancellationRequested)
                {
                    (string name, byte[] data) = bombs[random.Next(bombs.Length)];
                    long started = Stopwatch.GetTimestamp();
                    Answer answer;
                    try
                    {
                        await bomber.SendFrameAsync(data);
                        answer = await bomber.ReadAnswerAsync(AnswerPatience);
                    }
                    catch (Exception e) when (e is SocketException or IOException or EndOfStreamException or OperationCanceledException)
                    {
                        Interlocked.Increment(ref _lost);
                        _problems.Enqueue($"{name}: no answer after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms ({e.Message})");
                        return;
                    }

                    Interlocked.Increment(ref _bombAnswers);
                    double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    lock (_problems)
                    {
                        _bombMaxMs = Math.Max(_bombMaxMs, ms);
                    }

                    if (answer.Status is ResponseStatus.InternalError or ResponseStatus.FrameTooLarge)
                    {
                        _problems.Enqueue($"{name}: {answer}");
                    }
                }
            }));
        }

        // Good clients: one request at a time, every answer checked.
        for (int g = 0; g < GoodClients; g++)
        {
            int seed = 100 + g;
            tasks.Add(Task.Run(async () =>
            {
                await using FrameClient client = await Connect();
                var random = new Random(seed);
                while (!stop.IsCancellationRequested)
                {
                    (byte[] input, byte[] expected) = good[random.Next(good.Length)];
                    long started = Stopwatch.GetTimestamp();
                    Answer answer;
                    try
                    {
                        await client.SendFrameAsync(input);
                        answer = await client.ReadAnswerAsync(AnswerPatience);
                    }
                    catch (Exception e) when (e is SocketException or IOException or EndOfStreamException or OperationCanceledException)
                    {
                        Interlocked.Increment(ref _lost);
                        _problems.Enqueue($"good client {seed}: no answer ({e.Message})");
                        return;
                    }

                    _goodLatencyMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (answer.Status == ResponseStatus.Busy)
                    {
                        Interlocked.Increment(ref _goodBusy);
                    }
                    else if (answer.Status != ResponseStatus.Ok || !answer.Body.AsSpan().SequenceEqual(expected))
                    {
                        Interlocked.Increment(ref _wrong);
                        _problems.Enqueue($"good client {seed}: {answer}");
                    }
                    else
                    {
                        Interlocked.Increment(ref _goodOk);
                    }
                }
            }));
        }

        Task all = Task.WhenAll(tasks);
        while (!all.IsCompleted)
        {
            sample();
            await Task.WhenAny(all, Task.Delay(250));
        }

        sample();
        foreach (Socket socket in sockets)
        {
            socket.Dispose();
        }

        await all;
    }
}
