using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.V2;

namespace RleTcp.Server.Execution.V2;

/// <summary>
/// One v2 DECOMPRESS: the body, an image of <c>codec</c>, decoded strictly within the pixel budget and written as
/// PNG, BMP, PBM or TIFF; the OK answer carries width, height, the input codec and the output format.
/// </summary>
internal sealed class V2DecompressWork(IBilevelCodec codec, string format, bool invert, long maxPixels) : IRequestProcessor
{
    /// <inheritdoc/>
    public ServerResponse Process(ReadOnlyMemory<byte> payload, IBandScheduler bands, CancellationToken cancellationToken)
    {
        BitImage image;
        try
        {
            image = codec.Decode(payload.Span, maxPixels);
        }
        catch (BilevelFormatException e)
        {
            return ServerResponse.Error(e.Error == BilevelFormatError.TooLarge ? ResponseStatus.ImageTooLarge : ResponseStatus.InvalidImage, e.Message);
        }

        using (image)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (invert)
            {
                image.Invert();
            }

            // The writers ask the buffer for what they write (BMP, PBM and TIFF at once), so the file is written
            // straight into the pooled answer buffer.
            var body = new ArrayPoolBufferWriter<byte>(ServerArrayPool.Instance, 4096);
            try
            {
                switch (format)
                {
                    case "bmp": BitImageWriter.WriteBmp(image, body); break;
                    case "pbm": BitImageWriter.WritePbm(image, body); break;
                    case "tiff": BitImageTiffWriter.WriteTiff(image, body); break;
                    default: BitImageWriter.WritePng(image, body); break;
                }
            }
            catch
            {
                body.Dispose();
                throw;
            }

            ServerResponse answer = ServerResponse.Ok([body]);
            answer.V2Fields = new V2AnswerFields
            {
                Width = (uint)image.Width,
                Height = (uint)image.Height,
                Codec = codec.Name,
                Format = format,
            };
            return answer;
        }
    }
}
