using RleTcp.Imaging;
using RleTcp.Imaging.Sandbox;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs;

namespace RleTcp.Cli.Common;

/// <summary>
/// Compresses in this process with the same intake and encoder the server uses (<c>--local</c>), and the same
/// decode sandbox: images our readers do not take are decoded by worker processes (this executable in its worker
/// mode), each killed when the timeout passes, so a file that hangs a decoder fails in bounded time. The bits go
/// to the RLE or, when given, another codec.
/// </summary>
internal sealed class LocalImageCompressor : IImageCompressor
{
    private readonly IntakeOptions _options;
    private readonly TimeSpan _timeout;
    private readonly ConversionMode _mode;
    private readonly Lazy<DecodeSandbox> _sandbox;
    private readonly LazySandbox _library;
    private readonly IBilevelCodec _codec;
    private readonly BilevelEncodeOptions? _encodeOptions;

    /// <param name="mode">The conversion to 1 bit.</param>
    /// <param name="parallel">How many images may be compressed at once (the sandbox's size).</param>
    /// <param name="timeout">The longest one image may take.</param>
    /// <param name="codec">The codec of the answer; null: the textbook RLE.</param>
    /// <param name="encodeOptions">The codec's options, if any.</param>
    public LocalImageCompressor(
        ConversionMode mode, int parallel, TimeSpan timeout, IBilevelCodec? codec = null, BilevelEncodeOptions? encodeOptions = null)
    {
        _codec = codec ?? BilevelCodecs.Get(BilevelCodecs.DefaultName);
        _encodeOptions = encodeOptions;
        _mode = mode;
        _options = new IntakeOptions { Mode = mode };
        _timeout = timeout;

        // Workers start on the first image that needs one: compressing 1-bit files never starts a process.
        _sandbox = new Lazy<DecodeSandbox>(
            () => new DecodeSandbox(new DecodeSandboxOptions { Processes = Math.Clamp(parallel, 1, 256), PreStart = false }),
            LazyThreadSafetyMode.ExecutionAndPublication);
        _library = new LazySandbox(_sandbox);
    }

    public string Description => $"local ({_mode})";

    // Off the caller's thread: compress-dir runs several of these at once.
    public Task<byte[]> CompressAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        Task.Run(() => Compress(image, cancellationToken), cancellationToken);

    public ValueTask DisposeAsync()
    {
        if (_sandbox.IsValueCreated)
        {
            _sandbox.Value.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private byte[] Compress(ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        try
        {
            using BitImage bits = ImageIntake.Decode(image, _options, _library, deadline.Token);
            deadline.Token.ThrowIfCancellationRequested();
            return BilevelCodecs.Encode(_codec, bits, _encodeOptions);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"not compressed within {_timeout.TotalSeconds:0.###} s (--timeout); the decoder was stopped.");
        }
    }

    private sealed class LazySandbox(Lazy<DecodeSandbox> sandbox) : ILibraryDecoder
    {
        public BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, CancellationToken ct) =>
            sandbox.Value.Decode(data, options, ct);
    }
}
