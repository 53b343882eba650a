using BenchmarkDotNet.Attributes;
using RleTcp.Benchmarks.Images;
using RleTcp.Imaging;
using RleTcp.Protocol.Bits;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// Issue 14's grey and RGB scan pages (<see cref="ScanPages"/>) through the PNG intake, in process: libdeflate or
/// <c>ZLibStream</c> inflating, and with the unfilter and the conversion overlapped on a second thread
/// (<c>PngPipeline</c>, the helper a dedicated thread here, an idle executor worker in the server), the inflate too
/// (streaming), or on one.
/// </summary>
[MemoryDiagnoser]
public class PngScanIntakeBenchmarks
{
    private static readonly IntakeOptions ManagedInflate = IntakeOptions.Default with { ManagedInflate = true };
    private static readonly IntakeOptions TwoThreads = IntakeOptions.Default with { Helpers = new ThreadHelper(idle: false) };
    private static readonly IntakeOptions Streaming = IntakeOptions.Default with { Helpers = new ThreadHelper(idle: true), StreamEveryLayout = true };

    private byte[] _bytes = null!;

    /// <summary>Which page.</summary>
    [Params("scan-grey.png", "scan-rgb.png", "big-grey.png")]
    public string Page { get; set; } = "scan-grey.png";

    /// <summary>Encodes the page once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (string _, int width, int height, ScanEncoding encoding) = ScanPages.Files.Single(f => f.Name == Page);
        _bytes = ScanPages.Encode(width, height, encoding);
    }

    /// <summary>The one-thread intake with the managed inflater (where libdeflate is missing).</summary>
    [Benchmark]
    public int ZLibStreamOneThread() => Decode(ManagedInflate);

    /// <summary>The one-thread intake with libdeflate.</summary>
    [Benchmark(Baseline = true)]
    public int LibdeflateOneThread() => Decode(IntakeOptions.Default);

    /// <summary>libdeflate, then unfilter and conversion on two threads at once (the helper said busy, as when loaded).</summary>
    [Benchmark]
    public int LibdeflateTwoThreads() => Decode(TwoThreads);

    /// <summary>
    /// <c>ZLibStream</c> inflating block by block on one thread beside the unfilter and conversion (an idle helper);
    /// the RGB page only here (the intake streams 8-bit grey alone, where it pays).
    /// </summary>
    [Benchmark]
    public int StreamingTwoThreads() => Decode(Streaming);

    private int Decode(IntakeOptions options)
    {
        using BitImage image = ImageIntake.Decode(_bytes, options);
        return image.Height;
    }

    // Index 1 on a thread started for it (the cost of a start is in the figure, ~0.1 ms), index 0 on the caller;
    // idle: what it answers to HasIdleHelper, which picks the PNG pipeline's mode.
    private sealed class ThreadHelper(bool idle) : IIntakeHelpers
    {
        public bool HasIdleHelper => idle;

        public void Run(int count, Action<int> work, CancellationToken cancellationToken)
        {
            var threads = new Thread[count - 1];
            for (int i = 1; i < count; i++)
            {
                int index = i;
                threads[i - 1] = new Thread(() => work(index));
                threads[i - 1].Start();
            }

            work(0);
            foreach (Thread thread in threads)
            {
                thread.Join();
            }
        }
    }
}
