using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using RleTcp.Benchmarks.Images;
using RleTcp.Imaging;
using RleTcp.Imaging.Sandbox;
using RleTcp.Protocol.Bits;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Webp;

namespace RleTcp.Benchmarks.Micro;

/// <summary>
/// What the decode sandbox costs per request: the same small library image (the vectors' 480x320 photo as JPEG,
/// GIF and lossy WebP) decoded in process and through a warm one-worker sandbox (request over a pipe, packed bits
/// back). In process so the worker (RleTcp.DecodeWorker) is found beside the benchmark's binaries.
/// <c>dotnet run -c Release --project bench/RleTcp.Benchmarks -- --filter '*DecodeSandbox*'</c>
/// </summary>
[InProcess]
[MemoryDiagnoser]
public class DecodeSandboxBenchmarks
{
    private byte[] _image = null!;
    private DecodeSandbox _sandbox = null!;

    /// <summary>The format of the 480x320 photo.</summary>
    [Params("jpeg", "gif", "webp")]
    public string Format { get; set; } = "jpeg";

    /// <summary>Encodes the photo and starts the sandbox (its worker warm before the first measurement).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _image = Encode(Format);
        _sandbox = new DecodeSandbox(new DecodeSandboxOptions { Processes = 1 });
        using BitImage warm = ImageIntake.Decode(_image, IntakeOptions.Default, _sandbox, CancellationToken.None);
    }

    /// <summary>Kills the worker.</summary>
    [GlobalCleanup]
    public void Cleanup() => _sandbox.Dispose();

    /// <summary>ImageSharp in this process (what the server did before the sandbox).</summary>
    [Benchmark(Baseline = true)]
    public int InProcess()
    {
        using BitImage image = ImageIntake.Decode(_image, IntakeOptions.Default);
        return image.Height;
    }

    /// <summary>The same decode in the sandbox's worker process.</summary>
    [Benchmark]
    public int Sandboxed()
    {
        using BitImage image = ImageIntake.Decode(_image, IntakeOptions.Default, _sandbox, CancellationToken.None);
        return image.Height;
    }

    internal static byte[] Encode(string format)
    {
        using Image photo = Image.Load(VectorFiles.PathOf("syn_photo_rgb_480x320.png"));
        IImageEncoder encoder = format switch
        {
            "jpeg" => new JpegEncoder { Quality = 85 },
            "gif" => new GifEncoder(),
            "webp" => new WebpEncoder { FileFormat = WebpFileFormatType.Lossy },
            _ => throw new ArgumentException($"unknown format {format}"),
        };
        using var output = new MemoryStream();
        photo.Save(output, encoder);
        return output.ToArray();
    }
}

/// <summary>
/// The time to recover from a kill: a decode that loops (the Adam7 PNG of fuzz/regressions/library) is killed at a
/// 50 ms deadline, then the next image (the 480x320 GIF) is decoded, by the replacement worker started at the kill.
/// The figure minus the 50 ms deadline is the recovery: kill, process start, warm-up, decode.
/// </summary>
[Config(typeof(RecoveryConfig))]
public class DecodeSandboxRecoveryBenchmarks
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(50);

    private byte[] _loop = null!;
    private byte[] _gif = null!;
    private DecodeSandbox _sandbox = null!;

    /// <summary>Reads the inputs and starts a one-worker sandbox.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _loop = File.ReadAllBytes(Path.Combine(RepositoryRoot(), "fuzz", "regressions", "library", "png-adam7-1x252-grey4-loops.png"));
        _gif = DecodeSandboxBenchmarks.Encode("gif");
        _sandbox = new DecodeSandbox(new DecodeSandboxOptions { Processes = 1 });
        using BitImage warm = _sandbox.Decode(_gif, IntakeOptions.Default, CancellationToken.None);
    }

    /// <summary>Kills the worker.</summary>
    [GlobalCleanup]
    public void Cleanup() => _sandbox.Dispose();

    /// <summary>Loop killed at 50 ms, then the next image answered.</summary>
    [Benchmark]
    public int KillAndServeTheNext()
    {
        using (var deadline = new CancellationTokenSource(Deadline))
        {
            try
            {
                using BitImage never = _sandbox.Decode(_loop, IntakeOptions.Default, deadline.Token);
                throw new InvalidOperationException("the looping PNG was decoded: pick another loop for this benchmark");
            }
            catch (OperationCanceledException)
            {
                // Killed, as intended.
            }
        }

        using BitImage next = _sandbox.Decode(_gif, IntakeOptions.Default, CancellationToken.None);
        return next.Height;
    }

    /// <summary>In process (the worker beside the binaries), one kill per invocation, ten measured.</summary>
    private sealed class RecoveryConfig : ManualConfig
    {
        public RecoveryConfig() => AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(10)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(10), logOutput: false)));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RleTcp.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("RleTcp.sln not found above " + AppContext.BaseDirectory);
    }
}
