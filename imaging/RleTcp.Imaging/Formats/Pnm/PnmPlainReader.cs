using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The plain (ASCII) Netpbm rasters, P1..P3, read as Pillow 9.4's <c>PpmPlainDecoder</c> reads them (the rules are
/// on <see cref="PnmReader"/>): bounded by the data, nothing allocated per row or pixel.
/// </summary>
internal static class PnmPlainReader
{
    // Pillow reads the plain formats' data in blocks of ImageFile.SAFEBLOCK bytes; a few checks are per block.
    private const int PillowBlock = 1024 * 1024;

    /// <summary>P1: each 0/1 byte one pixel, whitespace and comments between them optional.</summary>
    public static void ReadBitmap(ReadOnlySpan<byte> raster, BitImage image, CancellationToken ct)
    {
        int width = image.Width;
        long total = (long)width * image.Height;
        long count = 0;
        int x = 0, y = 0;
        Span<ulong> row = image.Row(0);
        int blockEnd = Math.Min(raster.Length, PillowBlock);
        for (int i = 0; i < raster.Length; i++)
        {
            if (i == blockEnd)
            {
                if (count == total)
                {
                    return; // Pillow stops reading after the block that completed the image
                }

                blockEnd = (int)Math.Min(raster.Length, (long)blockEnd + PillowBlock);
            }

            byte b = raster[i];
            if (b == '#')
            {
                i = PnmHeader.CommentEnd(raster, i);
                continue;
            }

            if (PnmHeader.IsWhitespace(b))
            {
                continue;
            }

            if (b is not ((byte)'0' or (byte)'1'))
            {
                // Pillow checks every byte of each block it reads, even past the last pixel.
                throw ImageIntakeException.Invalid($"The plain PBM raster holds the byte 0x{b:X2}; only 0, 1, whitespace and comments are allowed.");
            }

            if (count == total)
            {
                continue;
            }

            if (b == '0')
            {
                row[x >> 6] |= BitImage.BitFor(x); // '0' is white
            }

            count++;
            if (++x == width && ++y < image.Height)
            {
                x = 0;
                if ((y & 1023) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }

                row = image.Row(y);
            }
        }

        if (count < total)
        {
            throw ImageIntakeException.Invalid($"The plain PBM raster ends after {count} of its {total} pixels (Pillow refuses it).");
        }
    }

    /// <summary>P2/P3: whitespace-separated decimal tokens, none over maxval.</summary>
    public static void ReadSamples(
        ReadOnlySpan<byte> raster, int maxval, bool modeI, byte[] map, Span<byte> rgb, BilevelRowWriter writer, int height, int bands, CancellationToken ct)
    {
        Span<byte> token = stackalloc byte[11];
        Span<byte> samples = PnmReader.RowTarget(writer, rgb, bands);
        int length = 0, filled = 0, y = 0;
        for (int i = 0; i <= raster.Length; i++)
        {
            byte b = i < raster.Length ? raster[i] : (byte)' ';
            if (b == '#')
            {
                i = PnmHeader.CommentEnd(raster, i);
                continue; // a comment does not end a token: "1#c\n2" is 12, as Pillow removes comments first
            }

            if (!PnmHeader.IsWhitespace(b))
            {
                if (length == token.Length)
                {
                    throw ImageIntakeException.Invalid("The Netpbm raster holds a token longer than 10 bytes.");
                }

                token[length++] = b;
                continue;
            }

            if (length == 0)
            {
                continue;
            }

            long value = PnmHeader.ParsePythonInt(token[..length])
                ?? throw ImageIntakeException.Invalid("The Netpbm raster holds a token that is not a number.");
            length = 0;
            if (value > maxval)
            {
                throw ImageIntakeException.Invalid($"The Netpbm raster holds the value {value}, over its maxval {maxval}.");
            }

            if (value < 0)
            {
                // Pillow stores round(v / maxval * 255) with o8, which keeps the low byte; in mode "I", o32 refuses it.
                if (modeI)
                {
                    throw ImageIntakeException.Invalid($"The Netpbm raster holds the negative value {value}.");
                }

                samples[filled++] = (byte)((long)Math.Round(value / (double)maxval * 255) & 0xFF);
            }
            else
            {
                samples[filled++] = map[value];
            }

            if (filled == samples.Length)
            {
                ct.ThrowIfCancellationRequested();
                PnmReader.CommitRow(writer, y, rgb, bands);
                samples = PnmReader.RowTarget(writer, rgb, bands);
                filled = 0;
                if (++y == height)
                {
                    CheckLastToken(raster);
                    return;
                }
            }
        }

        throw ImageIntakeException.Invalid($"The plain Netpbm raster ends at row {y} of {height} (Pillow refuses it).");
    }

    // Pillow keeps the last token of a block that does not end in whitespace aside (it may continue in the next
    // block) and refuses it when it is longer than 10 bytes, even if it comes after the last sample.
    private static void CheckLastToken(ReadOnlySpan<byte> raster)
    {
        if (raster.Length > PillowBlock || raster.IsEmpty || PnmHeader.IsWhitespace(raster[^1]))
        {
            return;
        }

        int length = 0;
        for (int i = raster.Length - 1; i >= 0 && !PnmHeader.IsWhitespace(raster[i]); i--)
        {
            if (raster[i] == '#')
            {
                return; // a comment at the very end: Pillow drops it
            }

            length++;
        }

        if (length > 10)
        {
            throw ImageIntakeException.Invalid("The Netpbm raster ends with a token longer than 10 bytes.");
        }
    }
}
