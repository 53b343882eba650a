using RleTcp.Protocol;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;

namespace RleTcp.Cli.Common;

/// <summary>Compresses in this process with the same intake and encoder the server uses (<c>--local</c>).</summary>
internal sealed class LocalImageCompressor(ConversionMode mode) : IImageCompressor
{
    private readonly IntakeOptions _options = new() { Mode = mode };

    public string Description => $"local ({mode})";

    // Off the caller's thread: compress-dir runs several of these at once.
    public Task<byte[]> CompressAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        Task.Run(() => RleCompressor.Compress(image, _options, cancellationToken), cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
