using RleTcp.Imaging;
using RleTcp.Imaging.Sandbox;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.V2;

namespace RleTcp.Cli.Common;

/// <summary>
/// Compresses in this process with the same intake and encoder the server uses (<c>--local</c>), and the same
/// decode sandbox: images our readers do not take are decoded by worker processes (this executable in its worker
/// mode), each killed when the timeout passes, so a file that hangs a decoder fails in bounded time. The request
/// options (threshold, page, resize, invert, codec) apply as the server applies its v2 options.
/// </summary>
internal sealed class LocalImageCompressor : IImageCompressor
{
    private readonly IntakeOptions _options;
    private readonly ConversionRequest _conversion;
    private readonly TimeSpan _timeout;
    private readonly Lazy<DecodeSandbox> _sandbox;
    private readonly LazySandbox _library;
    private readonly IBilevelCodec _codec;
    private readonly BilevelEncodeOptions? _encodeOptions;

    /// <param name="mode">The conversion to 1 bit (a conversion or threshold in <paramref name="request"/> overrides it).</param>
    /// <param name="parallel">How many images may be compressed at once (the sandbox's size).</param>
    /// <param name="timeout">The longest one image may take.</param>
    /// <param name="encodeOptions">The codec's encoder settings, if any.</param>
    /// <param name="request">The per-request options, as protocol v2 carries them; null: none.</param>
    /// <exception cref="ArgumentException">The request names a codec that does not exist.</exception>
    public LocalImageCompressor(
        ConversionMode mode, int parallel, TimeSpan timeout, BilevelEncodeOptions? encodeOptions = null, V2RequestOptions? request = null)
    {
        var defaults = new IntakeOptions { Mode = mode };
        _options = request is null ? defaults : defaults.With(request);
        _conversion = request is null ? ConversionRequest.None : ConversionRequest.From(request);
        _codec = BilevelCodecs.TryGet(request?.Codec ?? BilevelCodecs.DefaultName, out IBilevelCodec codec)
            ? codec
            : throw new ArgumentException($"Unknown codec '{request!.Codec}'; known: {string.Join(", ", BilevelCodecs.All.Select(k => k.Name))}.");
        _encodeOptions = encodeOptions;
        _timeout = timeout;

        // Workers start on the first image that needs one: compressing 1-bit files never starts a process.
        _sandbox = new Lazy<DecodeSandbox>(
            () => new DecodeSandbox(new DecodeSandboxOptions { Processes = Math.Clamp(parallel, 1, 256), PreStart = false }),
            LazyThreadSafetyMode.ExecutionAndPublication);
        _library = new LazySandbox(_sandbox);
    }

    public string Description => $"local ({_options.Mode})";

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
            using BitImage bits = RequestIntake.Decode(image, _options, _conversion, _library, deadline.Token);
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
        public BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, ConversionRequest conversion, CancellationToken ct) =>
            sandbox.Value.Decode(data, options, conversion, ct);
    }
}
