using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The sides of a TGA image, read from its 18-byte header as the unsigned 16-bit values the format defines.
/// </summary>
/// <remarks>
/// ImageSharp 2.1.13 reads them as signed, so a side over 32767 comes back negative: a 65535x65535 header would
/// look like a -1x-1 image rather than one far over the pixel budget, and such a side cannot be decoded at all.
/// </remarks>
internal static class TgaHeader
{
    private const int Size = 18;

    /// <summary>The largest side ImageSharp 2.1.13 decodes (its header fields are signed 16-bit).</summary>
    public const int MaxDecodableSide = short.MaxValue;

    /// <summary>Checks the declared sides against the limits, then against what the decoder can read.</summary>
    public static void CheckSize(ReadOnlySpan<byte> data, IntakeOptions options)
    {
        if (data.Length < Size)
        {
            throw ImageIntakeException.Invalid("The TGA header is truncated.");
        }

        int width = BinaryPrimitives.ReadUInt16LittleEndian(data[12..]);
        int height = BinaryPrimitives.ReadUInt16LittleEndian(data[14..]);
        ImageIntake.CheckSize(width, height, options);
        if (width > MaxDecodableSide || height > MaxDecodableSide)
        {
            throw ImageIntakeException.Invalid(
                $"The TGA image is {width}x{height}; TGA sides over {MaxDecodableSide} cannot be decoded here.");
        }
    }
}
