namespace RleTcp.Protocol.Codecs;

/// <summary>Choices a caller can make when encoding; every property has a sensible default.</summary>
public sealed record BilevelEncodeOptions
{
    /// <summary>The options with every default.</summary>
    public static BilevelEncodeOptions Default { get; } = new();

    /// <summary>The page size PDF uses when no resolution is given, in dots per inch.</summary>
    public const double DefaultPdfDpi = 300;

    /// <summary>
    /// The image's resolution in dots per inch, when known (the input's, or the caller's). TIFF writes resolution tags
    /// only when it is set; PDF sizes its page from it (<see cref="DefaultPdfDpi"/> otherwise); the other formats ignore it.
    /// </summary>
    public double? Dpi { get; init; }

    /// <summary>How the <c>pdf</c> codec stores the image; JBIG2 by default (the smaller one).</summary>
    public PdfImageCodec PdfImageCodec { get; init; } = PdfImageCodec.Jbig2;

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The DPI is not a finite number in 1..100000.</exception>
    public void Validate()
    {
        if (Dpi is double dpi && (!double.IsFinite(dpi) || dpi < 1 || dpi > 100_000))
        {
            throw new ArgumentOutOfRangeException(nameof(Dpi), dpi, "The resolution must be 1..100000 dots per inch.");
        }

        if (!Enum.IsDefined(PdfImageCodec))
        {
            throw new ArgumentOutOfRangeException(nameof(PdfImageCodec), PdfImageCodec, "Unknown PDF image codec.");
        }
    }
}

/// <summary>The filter the <c>pdf</c> codec stores its image with.</summary>
public enum PdfImageCodec
{
    /// <summary><c>/JBIG2Decode</c>: a JBIG2 generic region (the embedded stream form).</summary>
    Jbig2,

    /// <summary><c>/CCITTFaxDecode</c> with <c>/K -1</c>: a CCITT Group 4 stream.</summary>
    G4,
}
