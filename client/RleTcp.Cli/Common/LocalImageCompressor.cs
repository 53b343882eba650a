using System.Buffers;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.V2;
using RleTcp.Protocol;
using RleTcp.Imaging;

namespace RleTcp.Cli.Common;

/// <summary>Compresses in this process with the same intake and encoder the server uses (<c>--local</c>).</summary>
internal sealed class LocalImageCompressor(ConversionMode mode, V2RequestOptions? request = null) : IImageCompressor
{
    private readonly IntakeOptions _options = new()
    {
        Mode = request?.EffectiveConversion == V2Conversion.Threshold ? ConversionMode.Threshold : mode,
        ThresholdLevel = request?.ThresholdLevel ?? 128,
    };

    private readonly ConversionRequest _conversion = request is null ? ConversionRequest.None : new ConversionRequest
    {
        Page = (int)(request.Page ?? 0),
        Width = request.Width,
        Height = request.Height,
        Filter = request.Filter ?? "bicubic",
        Invert = request.Invert,
    };

    private readonly IBilevelCodec _codec = BilevelCodecs.TryGet(request?.Codec ?? BilevelCodecs.DefaultName, out IBilevelCodec c)
        ? c
        : throw new ArgumentException($"Unknown codec '{request!.Codec}'; known: {string.Join(", ", BilevelCodecs.All.Select(k => k.Name))}.");

    public string Description => $"local ({_options.Mode})";

    // Off the caller's thread: compress-dir runs several of these at once.
    public Task<byte[]> CompressAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        Task.Run(() => _conversion == ConversionRequest.None && _codec.Name == BilevelCodecs.DefaultName
            ? RleCompressor.Compress(image, _options, cancellationToken)
            : Encode(image, cancellationToken), cancellationToken);

    private byte[] Encode(ReadOnlyMemory<byte> image, CancellationToken cancellationToken)
    {
        using BitImage bits = RequestIntake.Decode(image, _options, _conversion, cancellationToken);
        var output = new ArrayBufferWriter<byte>();
        _codec.Encode(bits, output);
        return output.WrittenSpan.ToArray();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
