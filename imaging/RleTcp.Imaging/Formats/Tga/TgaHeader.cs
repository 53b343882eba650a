using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The sides and the Pillow mode of a TGA image, read from its 18-byte header (the sides as the unsigned 16-bit values
/// the format defines): the one place that says them, for <see cref="TgaIntake"/>, the decode and protocol v2's
/// INFO (<see cref="ImageHeaderInfo"/>). The other fields are checked by <see cref="TgaIntake.Check"/>.
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

    /// <summary>The declared sides.</summary>
    /// <exception cref="ImageIntakeException">The file is shorter than the header.</exception>
    public static (int Width, int Height) Sides(ReadOnlySpan<byte> data)
    {
        if (data.Length < Size)
        {
            throw ImageIntakeException.Invalid("The TGA header is truncated.");
        }

        return (BinaryPrimitives.ReadUInt16LittleEndian(data[12..]), BinaryPrimitives.ReadUInt16LittleEndian(data[14..]));
    }

    /// <summary>
    /// The mode Pillow's TgaImagePlugin opens the file in, by the image type (byte 2) and depth (byte 16):
    /// colour-mapped (1, 9) "P"; grey (3, 11) "L", or "1" at depth 1; true colour "RGB"/"RGBA".
    /// </summary>
    public static PillowMode Mode(ReadOnlySpan<byte> data) => data.Length < Size ? PillowMode.Colour : (data[2] & 7) switch
    {
        1 => PillowMode.Palette,
        3 when data[16] == 1 => PillowMode.Bilevel,
        3 => PillowMode.Grey,
        _ => PillowMode.Colour,
    };

    /// <summary>Checks the declared sides against the limits, then against what the decoder can read.</summary>
    public static void CheckSize(ReadOnlySpan<byte> data, IntakeOptions options)
    {
        (int width, int height) = Sides(data);
        ImageIntake.CheckSize(width, height, options);
        if (width > MaxDecodableSide || height > MaxDecodableSide)
        {
            throw ImageIntakeException.Invalid(
                $"The TGA image is {width}x{height}; TGA sides over {MaxDecodableSide} cannot be decoded here.");
        }
    }
}
