using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Imaging;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.V2;

namespace RleTcp.Server.Execution.V2;

/// <summary>
/// One v2 COMPRESS with intake options on a worker: the body through the server's intake (<see
/// cref="ImageCompressionProcessor.TryDecode"/>: the decode budget, our readers, the sandbox) with the request's
/// options, then the codec in bands; the OK answer carries width, height and codec.
/// </summary>
internal sealed class V2CompressWork(
    ImageCompressionProcessor images, IntakeOptions intake, ConversionRequest conversion, IBilevelCodec codec, long bandPixels) : IRequestProcessor
{
    /// <summary>The work for a COMPRESS whose options ask for more than the server's own intake does.</summary>
    /// <param name="o">The request's options (already checked by the session).</param>
    /// <param name="images">The server's image processor (intake options, budget, readers, sandbox, band size).</param>
    /// <param name="codec">The answer's codec.</param>
    public static V2CompressWork For(V2RequestOptions o, ImageCompressionProcessor images, IBilevelCodec codec) =>
        new(images, images.Intake.With(o), ConversionRequest.From(o), codec, images.BandPixels);

    /// <inheritdoc/>
    public ServerResponse Process(ReadOnlyMemory<byte> payload, IBandScheduler bands, CancellationToken cancellationToken)
    {
        if (images.TryDecode(payload, images.WithHelpers(intake, bands), conversion, cancellationToken, out BitImage? decoded) is { } refusal)
        {
            return refusal;
        }

        BitImage image = decoded!;
        using (image)
        {
            ServerResponse answer = codec.Name == V2Codecs.Rle
                ? BandedRleEncoder.Encode(image, bandPixels, bands, cancellationToken)
                : EncodeWhole(image, cancellationToken);
            answer.V2Fields = new V2AnswerFields
            {
                Width = (uint)image.Width,
                Height = (uint)image.Height,
                Codec = codec.Name,
            };
            return answer;
        }
    }

    // Codecs other than RLE have state across rows: one buffer, one pass.
    private ServerResponse EncodeWhole(BitImage image, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var output = new ArrayPoolBufferWriter<byte>(ServerArrayPool.Instance, 64 * 1024);
        try
        {
            codec.Encode(image, output);
            return ServerResponse.Ok([output]);
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }
}
