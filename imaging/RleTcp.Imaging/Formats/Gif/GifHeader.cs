using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// A GIF's logical screen, global colour table and first frame as Pillow 9.4's GifImagePlugin opens them: the one
/// place that says the canvas size and the mode frame 0 opens in, for <see cref="GifReader"/> and for protocol v2's
/// INFO (<see cref="ImageHeaderInfo"/>). The rules are on <see cref="GifReader"/>.
/// </summary>
/// <param name="Width">The canvas: the logical screen grown to cover frame 0.</param>
/// <param name="Height">The canvas height.</param>
/// <param name="Background">The background colour index (0 without a global table).</param>
/// <param name="GlobalOffset">Where the global colour table starts (0 when there is none, or it is the grey ramp).</param>
/// <param name="GlobalLength">Its length in bytes (0 when Pillow drops it).</param>
/// <param name="First">Frame 0.</param>
/// <param name="Disposal">The disposal method in force after frame 0's control block.</param>
internal readonly record struct GifHeader(
    int Width, int Height, int Background, int GlobalOffset, int GlobalLength, GifFrame First, int Disposal)
{
    /// <summary>Frame 0 has a colour table (its own, else the global one): "P".</summary>
    public bool PaletteMode => First.HasPalette;

    /// <summary>
    /// Frame 0's own table is the grey ramp while a global palette exists: Pillow 9.4 names the mode "L" but
    /// realises the global palette on the image, so <c>convert('1')</c> thresholds the indices by the global colours.
    /// </summary>
    public bool GlobalOnGrey => !First.HasPalette && First.LocalIdentity && GlobalLength > 0;

    /// <summary>The rule <c>convert('1')</c> applies to frame 0: threshold each colour ("P"), or dither the grey ("L").</summary>
    public PillowMode Mode => PaletteMode || GlobalOnGrey ? PillowMode.Palette : PillowMode.Grey;

    /// <summary>Reads the header of <paramref name="data"/> up to frame 0's image data.</summary>
    /// <exception cref="ImageIntakeException">The file ends inside the header, a table or a block, or has no frame.</exception>
    public static GifHeader Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 13 || !data[..3].SequenceEqual("GIF"u8))
        {
            throw ImageIntakeException.Invalid("The GIF file is shorter than its header.");
        }

        int screenWidth = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        int screenHeight = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        int pos = 13;
        int globalOffset = 0, globalLength = 0;
        int background = 0;
        if ((data[10] & 0x80) != 0)
        {
            background = data[11];
            int length = 3 << ((data[10] & 7) + 1);
            if (pos + length > data.Length)
            {
                throw ImageIntakeException.Invalid("The GIF file ends inside its global colour table.");
            }

            if (GifBlocks.IsPaletteNeeded(data.Slice(pos, length)))
            {
                (globalOffset, globalLength) = (pos, length);
            }

            pos += length;
        }

        int disposal = 0;
        GifFrame frame = GifBlocks.NextFrame(data, ref pos, globalOffset, globalLength, ref disposal)
            ?? throw ImageIntakeException.Invalid("The GIF file has no frame.");
        return new GifHeader(
            Math.Max(screenWidth, frame.X + frame.Width), Math.Max(screenHeight, frame.Y + frame.Height),
            background, globalOffset, globalLength, frame, disposal);
    }
}
