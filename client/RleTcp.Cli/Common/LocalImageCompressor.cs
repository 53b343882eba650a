using RleTcp.Imaging;
using RleTcp.Protocol.Codecs;

namespace RleTcp.Cli.Common;

/// <summary>
/// Compresses in this process with the same intake the server uses (<c>--local</c>), into the RLE or, when given,
/// another codec.
/// </summary>
internal sealed class LocalImageCompressor(ConversionMode mode, IBilevelCodec? codec = null, BilevelEncodeOptions? encodeOptions = null) : IImageCompressor
{
    private readonly IntakeOptions _options = new() { Mode = mode };

    public string Description => $"local ({mode})";

    // Off the caller's thread: compress-dir runs several of these at once.
    public Task<byte[]> CompressAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        Task.Run(
            () => codec is null
                ? RleCompressor.Compress(image, _options, cancellationToken)
                : BilevelCompressor.Compress(image, codec, _options, encodeOptions, cancellationToken),
            cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
