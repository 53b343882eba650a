using Microsoft.Extensions.Options;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Server.Configuration;

namespace RleTcp.Server.Execution;

/// <summary>
/// The service's work: image intake (decode, convert to 1 bit) then the RLE encoding in parallel bands.
/// A refused image is a client error answered with its status and message, not a server fault.
/// </summary>
public sealed class ImageCompressionProcessor : IRequestProcessor
{
    private readonly IntakeOptions _intake;
    private readonly long _bandPixels;

    /// <summary>Takes the pixel budget, conversion, allowed formats and band size from the server options.</summary>
    public ImageCompressionProcessor(IOptions<RleTcpServerOptions> options)
    {
        RleTcpServerOptions o = options.Value;
        _intake = new IntakeOptions { MaxPixels = o.MaxPixels, Mode = o.Conversion, AllowedFormats = o.AllowedFormats };
        _bandPixels = o.BandPixels;
    }

    /// <inheritdoc/>
    public ServerResponse Process(ReadOnlyMemory<byte> payload, IBandScheduler bands, CancellationToken cancellationToken)
    {
        BitImage image;
        try
        {
            image = ImageIntake.Decode(payload, _intake, cancellationToken);
        }
        catch (ImageIntakeException e)
        {
            ResponseStatus status = e.Error == ImageIntakeError.ImageTooLarge ? ResponseStatus.ImageTooLarge : ResponseStatus.InvalidImage;
            return ServerResponse.Error(status, e.Message);
        }

        using (image)
        {
            return BandedRleEncoder.Encode(image, _bandPixels, bands, cancellationToken);
        }
    }
}
