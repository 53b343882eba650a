using System.Diagnostics;
using RleTcp.Imaging;
using RleTcp.Imaging.Sandbox;
using RleTcp.Protocol.Bits;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// The decode sandbox with real worker processes (RleTcp.DecodeWorker beside the tests): library decodes that hang,
/// balloon or crash end by the deadline and the pool recovers; everything else decodes exactly as in process.
/// </summary>
[Trait("Category", "ChildProcess")]
public sealed class DecodeSandboxTests
{
    // What "a small margin" over a deadline means on a 2-core machine shared by several builds (load average 30+):
    // the kill, the pipe closing, and a thread that gets the CPU; idle, the overshoot is a few milliseconds.
    internal static readonly TimeSpan Margin = TimeSpan.FromSeconds(4);

    // Timers may fire a little before a stopwatch started earlier says they should.
    private static readonly TimeSpan Early = TimeSpan.FromMilliseconds(50);

    private static readonly IntakeOptions Intake = IntakeOptions.Default;

    [Fact]
    public void ADecoderStillRunningAtTheDeadlineIsKilledAndTheNextImageIsDecodedByAFreshWorker()
    {
        var monitor = new RecordingMonitor();
        using var sandbox = new DecodeSandbox(new DecodeSandboxOptions { Processes = 1 }, monitor: monitor);
        TimeSpan deadline = TimeSpan.FromMilliseconds(500);

        var watch = Stopwatch.StartNew();
        using (var cts = new CancellationTokenSource(deadline))
        {
            Assert.ThrowsAny<OperationCanceledException>(() => sandbox.Decode(HostileImages.SlowJpeg, Intake, cts.Token));
        }

        Assert.InRange(watch.Elapsed, deadline - Early, deadline + Margin);
        AssertDecodesLikeInProcess(sandbox, "syn_palette16_320x240.gif");
        Assert.Equal(1, sandbox.LiveWorkers);
        Assert.Equal([false, true], monitor.Starts); // the killed worker was replaced, not reused
    }

    [Fact]
    public void ADecodeSlowerThanItsDeadlineEndsAtTheDeadline()
    {
        byte[] jpeg = HostileImages.SlowJpeg;
        using var sandbox = new DecodeSandbox(new DecodeSandboxOptions { Processes = 1 });
        AssertDecodesLikeInProcess(sandbox, "syn_palette16_320x240.gif"); // the worker is up: only the decode is timed
        TimeSpan deadline = TimeSpan.FromMilliseconds(300);

        var watch = Stopwatch.StartNew();
        using (var cts = new CancellationTokenSource(deadline))
        {
            Assert.ThrowsAny<OperationCanceledException>(() => sandbox.Decode(jpeg, Intake, cts.Token));
        }

        Assert.InRange(watch.Elapsed, deadline - Early, deadline + Margin);
        AssertDecodesLikeInProcess(sandbox, "syn_photo_rgb_480x320.png");
    }

    [Fact]
    public async Task AWorkerThatDiesMidDecodeFailsThatRequestAsASandboxFaultAndIsReplaced()
    {
        var monitor = new RecordingMonitor();
        using var sandbox = new DecodeSandbox(new DecodeSandboxOptions { Processes = 1 }, monitor: monitor);
        using var cts = new CancellationTokenSource(TestServer.Patience);
        Task<BitImage> decode = Task.Run(() => sandbox.Decode(HostileImages.SlowJpeg, Intake, cts.Token));
        int pid = WaitForBusyWorker(sandbox);

        using (Process worker = Process.GetProcessById(pid))
        {
            worker.Kill(); // from outside: as a crash looks to the pool
        }

        var error = await Assert.ThrowsAsync<DecodeSandboxException>(() => decode);
        Assert.Contains(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        AssertDecodesLikeInProcess(sandbox, "syn_palette16_320x240.gif");
        Assert.Equal([DecodeWorkerEnd.Crashed], monitor.Ends);
        Assert.Equal([false, true], monitor.Starts);
    }

    [Fact]
    public void AMemoryBombIsStoppedByTheWorkersHeapCapAndAnsweredImageTooLarge()
    {
        var monitor = new RecordingMonitor();
        using var sandbox = new DecodeSandbox(
            new DecodeSandboxOptions { Processes = 1, MemoryLimitBytes = 256L << 20 }, monitor: monitor);
        using var cts = new CancellationTokenSource(TestServer.Patience);

        var refused = Assert.Throws<ImageIntakeException>(() => sandbox.Decode(HostileImages.WebpMemoryBomb, Intake, cts.Token));

        Assert.Equal(ImageIntakeError.ImageTooLarge, refused.Error);
        Assert.Contains("memory", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal([DecodeWorkerEnd.MemoryCap], monitor.Ends);
        AssertDecodesLikeInProcess(sandbox, "syn_palette16_320x240.gif");
    }

    [Fact]
    public async Task WaitingForABusyPoolIsBoundedByTheDeadline()
    {
        using var sandbox = new DecodeSandbox(new DecodeSandboxOptions { Processes = 1 });
        using var hang = new CancellationTokenSource(TestServer.Patience);
        Task busy = Task.Run(() => sandbox.Decode(HostileImages.SlowJpeg, Intake, hang.Token));
        WaitForBusyWorker(sandbox);
        TimeSpan deadline = TimeSpan.FromMilliseconds(300);

        var watch = Stopwatch.StartNew();
        using (var cts = new CancellationTokenSource(deadline))
        {
            Assert.ThrowsAny<OperationCanceledException>(() => sandbox.Decode(File.ReadAllBytes(Vector("syn_palette16_320x240.gif")), Intake, cts.Token));
        }

        Assert.InRange(watch.Elapsed, deadline - Early, deadline + Margin);
        hang.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => busy);
    }

    [Theory]
    [InlineData("syn_palette16_320x240.gif")]
    [InlineData("syn_photo_rgb_480x320.png")]
    [InlineData("syn_gray_gradient_512x128.png")]
    [InlineData("syn_rgba_alpha_200x150.png")]
    [InlineData("syn_photo_rgb24_480x320.bmp")]
    public void ImagesDecodeInTheSandboxExactlyAsInProcess(string vector)
    {
        using var sandbox = new DecodeSandbox(new DecodeSandboxOptions { Processes = 1 });
        AssertDecodesLikeInProcess(sandbox, vector);
        AssertDecodesLikeInProcess(sandbox, vector); // the same worker, reused
    }

    [Theory]
    [InlineData("corpus/gen-q50.jpg")]
    [InlineData("corpus/gen-rle24.tga")]
    [InlineData("corpus/gen-lossy.webp")]
    public void LibraryOnlyFormatsDecodeInTheSandboxExactlyAsInProcess(string corpusFile)
    {
        byte[] data = File.ReadAllBytes(Path.Combine(RepositoryRoot.Directory, "fuzz", corpusFile.Replace("corpus/", "corpus/intake/", StringComparison.Ordinal)));
        using var sandbox = new DecodeSandbox(new DecodeSandboxOptions { Processes = 1 });
        using BitImage expected = ImageIntake.Decode(data, Intake);
        using BitImage actual = ImageIntake.Decode(data, Intake, sandbox, CancellationToken.None);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void AnImageTheWorkerRefusesKeepsItsErrorAndMessage()
    {
        byte[] data = File.ReadAllBytes(Vector("syn_photo_rgb_480x320.png"));
        byte[] truncated = HandBuiltFiles.WithIdatCutShort(data);
        using var sandbox = new DecodeSandbox(new DecodeSandboxOptions { Processes = 1 });
        var inProcess = Assert.Throws<ImageIntakeException>(() => sandbox.Decode(truncated, Intake, CancellationToken.None));
        var expected = Assert.Throws<ImageIntakeException>(() => InProcessLibraryDecoder.Instance.Decode(truncated, Intake, CancellationToken.None));
        Assert.Equal(expected.Error, inProcess.Error);
        Assert.Equal(expected.Message, inProcess.Message);
        Assert.Equal(1, sandbox.LiveWorkers);
    }

    [Fact]
    public void ImagesOurOwnReadersTakeNeverReachTheLibraryDecoder()
    {
        var refusing = new RefusingDecoder();
        using BitImage image = ImageIntake.Decode(File.ReadAllBytes(Vector("syn_checker1_512x512.png")), Intake, refusing, CancellationToken.None);
        Assert.Equal(512, image.Width);
        Assert.Equal(0, refusing.Calls);
    }

    [Fact]
    public async Task DisposingTheSandboxEndsADecodeInProgressAtOnce()
    {
        var sandbox = new DecodeSandbox(new DecodeSandboxOptions { Processes = 1 });
        using var cts = new CancellationTokenSource(TestServer.Patience);
        Task decode = Task.Run(() => sandbox.Decode(HostileImages.SlowJpeg, Intake, cts.Token));
        WaitForBusyWorker(sandbox);

        sandbox.Dispose();

        await Assert.ThrowsAsync<DecodeSandboxException>(() => decode.WaitAsync(Margin));
        Assert.Equal(0, sandbox.LiveWorkers);
    }

    /// <summary>fuzz/crashes/library, fuzz/hangs/library (what AFL++ found) and fuzz/regressions/library.</summary>
    public static TheoryData<string> LibraryFuzzInputs
    {
        get
        {
            TheoryData<string> data = RleTcp.Tests.Fuzz.FuzzInputs.For("library");
            string hangs = Path.Combine(RepositoryRoot.Directory, "fuzz", "hangs", "library");
            foreach (string file in Directory.Exists(hangs) ? Directory.EnumerateFiles(hangs).Order(StringComparer.Ordinal) : Enumerable.Empty<string>())
            {
                data.Add(Path.GetRelativePath(RepositoryRoot.Directory, file));
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(LibraryFuzzInputs))]
    public void LibraryFuzzInputsAreBoundedByTheSandbox(string file)
    {
        // As fuzz/RleTcp.Fuzz/LibraryDecodeTarget.cs: a 4-megapixel budget. Whatever the library does with the input,
        // the sandbox answers by the deadline: an image, a refusal, or the deadline itself.
        byte[] data = RleTcp.Tests.Fuzz.FuzzInputs.Read(file);
        var options = new IntakeOptions { MaxPixels = 4_000_000 };
        using var sandbox = new DecodeSandbox(new DecodeSandboxOptions { Processes = 1, MemoryLimitBytes = 512L << 20 });
        TimeSpan deadline = TimeSpan.FromSeconds(3);
        using var cts = new CancellationTokenSource(deadline);
        var watch = Stopwatch.StartNew();

        Exception? escaped = Record.Exception(() =>
        {
            using BitImage image = sandbox.Decode(data, options, cts.Token);
        });

        Assert.True(escaped is null or ImageIntakeException or OperationCanceledException, $"{file}: {escaped}");
        Assert.True(watch.Elapsed < deadline + Margin, $"{file}: {watch.Elapsed}");
    }

    internal static string Vector(string name) => Path.Combine(Vectors.Directory, name);

    internal static void AssertDecodesLikeInProcess(ILibraryDecoder decoder, string vector)
    {
        byte[] data = File.ReadAllBytes(Vector(vector));
        using BitImage expected = ImageIntake.Decode(data, Intake);
        using var cts = new CancellationTokenSource(TestServer.Patience);
        using BitImage actual = decoder.Decode(data, Intake, cts.Token);
        Assert.Equal(expected, actual);
    }

    internal static int WaitForBusyWorker(DecodeSandbox sandbox)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TestServer.Patience)
        {
            if (sandbox.BusyWorkerIds is [int pid, ..])
            {
                return pid;
            }

            Thread.Sleep(5);
        }

        throw new TimeoutException("No worker became busy.");
    }

    private sealed class RecordingMonitor : IDecodeSandboxMonitor
    {
        private readonly List<bool> _starts = [];
        private readonly List<DecodeWorkerEnd> _ends = [];

        public bool[] Starts
        {
            get { lock (_starts) { return [.. _starts]; } }
        }

        public DecodeWorkerEnd[] Ends
        {
            get { lock (_ends) { return [.. _ends]; } }
        }

        public void WorkerStarted(bool replacement)
        {
            lock (_starts)
            {
                _starts.Add(replacement);
            }
        }

        public void WorkerEnded(DecodeWorkerEnd reason)
        {
            lock (_ends)
            {
                _ends.Add(reason);
            }
        }
    }

    private sealed class RefusingDecoder : ILibraryDecoder
    {
        public int Calls { get; private set; }

        public BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, ConversionRequest conversion, CancellationToken ct)
        {
            Calls++;
            throw new InvalidOperationException("our own reader should have taken this image");
        }
    }
}
