using RleTcp.Imaging;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.V2;

namespace RleTcp.Server.Execution.V2;

/// <summary>
/// One v2 COMPRESS with intake options on a worker: the body through <see cref="RequestIntake"/> with the request's
/// options, then the codec in bands; the OK answer carries width, height and codec.
/// </summary>
internal sealed class V2CompressWork(
    uint id, IntakeOptions intake, ConversionRequest conversion, string codec, long bandPixels) : IRequestProcessor
{
    /// <inheritdoc/>
    public ServerResponse Process(ReadOnlyMemory<byte> payload, IBandScheduler bands, CancellationToken cancellationToken)
    {
        BitImage image;
        try
        {
            image = RequestIntake.Decode(payload, intake, conversion, cancellationToken);
        }
        catch (ImageIntakeException e)
        {
            return ImageCompressionProcessor.Refusal(e);
        }

        using (image)
        {
            // Only the RLE codec exists until the codec registry lands (V2Codecs); it encodes in parallel bands.
            ServerResponse answer = BandedRleEncoder.Encode(image, bandPixels, bands, cancellationToken);
            answer.V2Head = V2Messages.BuildAnswerHead(id, (byte)V2Op.Compress, new V2AnswerFields
            {
                Width = (uint)image.Width,
                Height = (uint)image.Height,
                Codec = codec,
            });
            return answer;
        }
    }
}
