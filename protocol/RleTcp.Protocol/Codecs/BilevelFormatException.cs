namespace RleTcp.Protocol.Codecs;

/// <summary>Why a codec refused its input.</summary>
public enum BilevelFormatError
{
    /// <summary>The bytes break the format (a bad code, a bad header field, trailing bytes).</summary>
    Malformed,

    /// <summary>The bytes end before the image does.</summary>
    Truncated,

    /// <summary>A valid file that uses a feature this decoder does not implement.</summary>
    Unsupported,

    /// <summary>The image is larger than the caller's pixel budget or than 65535 on a side.</summary>
    TooLarge,
}

/// <summary>Encoded data a codec refused: which codec, what rule, at which byte.</summary>
public sealed class BilevelFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="codec">The codec's registry name.</param>
    /// <param name="error">The kind of failure.</param>
    /// <param name="offset">The byte at fault (for truncation: the length of the data).</param>
    /// <param name="detail">What was wrong, for a person.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public BilevelFormatException(string codec, BilevelFormatError error, long offset, string detail, Exception? inner = null)
        : base($"Invalid {codec} data at byte {offset}: {detail}", inner)
    {
        Codec = codec;
        Error = error;
        Offset = offset;
    }

    /// <summary>The codec's registry name.</summary>
    public string Codec { get; }

    /// <summary>The kind of failure.</summary>
    public BilevelFormatError Error { get; }

    /// <summary>The byte at fault (for truncation: the length of the data).</summary>
    public long Offset { get; }

    /// <summary>Throws <see cref="BilevelFormatError.TooLarge"/> unless a <paramref name="width"/> x <paramref name="height"/> image fits.</summary>
    internal static void ThrowIfTooLarge(string codec, long width, long height, long maxPixels, long offset)
    {
        if (width < 1 || height < 1)
        {
            throw new BilevelFormatException(codec, BilevelFormatError.Malformed, offset, $"the image is {width}x{height}");
        }

        if (width > Bits.BitImage.MaxDimension || height > Bits.BitImage.MaxDimension)
        {
            throw new BilevelFormatException(
                codec, BilevelFormatError.TooLarge, offset, $"the image is {width}x{height}; a side may be at most {Bits.BitImage.MaxDimension}");
        }

        if (width * height > maxPixels)
        {
            throw new BilevelFormatException(
                codec, BilevelFormatError.TooLarge, offset, $"the image is {width}x{height}, more than the budget of {maxPixels} pixels");
        }
    }
}
