using System.Buffers;

using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Reads every Netpbm file (P1..P6) itself, exactly as Pillow 9.4's PpmImagePlugin does, so none reaches ImageSharp
/// (2.1.13 reads "P1 8 1 00000000" as one number, skips whitespace-valued first samples of P5/P6 as header, and fills
/// truncated rasters). The rules it follows, from the plugin:
/// <list type="bullet">
/// <item>The magic is P1..P6 followed by a whitespace byte. Header tokens are up to 10 bytes, separated by whitespace
/// (space, tab, LF, VT, FF, CR); a <c>#</c> comment runs to CR, LF or the end and does not end a token; the single
/// whitespace byte that ends the last token (height for P1/P4, maxval otherwise) ends the header, so a raster whose first
/// samples are whitespace-valued bytes is read from its first byte.</item>
/// <item>maxval must be 1..65535. PGM with maxval over 255 opens as mode "I" (samples scaled to 0..65535), which
/// <c>convert('1')</c> clips to 0..255 before dithering; any other maxval scales to <c>round(v / maxval * 255)</c>
/// (float division, halves to even).</item>
/// <item>P4/P5/P6: every byte of the raster must be present. P1: each <c>0</c>/<c>1</c> byte is one pixel, whitespace
/// between them optional, any other byte refused. P2/P3: whitespace-separated decimal tokens (Python's <c>int</c>),
/// none over maxval or longer than 10 bytes; comments allowed anywhere. Too few pixels: refused.</item>
/// </list>
/// Rows go straight to <see cref="BilevelRowWriter"/>; nothing is allocated per row or pixel.
/// </summary>
internal static class PnmReader
{
    // Pillow reads the plain formats' data in blocks of ImageFile.SAFEBLOCK bytes; a few checks are per block.
    private const int PillowBlock = 1024 * 1024;

    private enum Kind
    {
        Bitmap,
        Grey,
        Colour,
    }

    /// <summary>Decodes a P1..P6 file (ImageSharp's detector has recognised the magic).</summary>
    public static BitImage Decode(ReadOnlySpan<byte> data, IntakeOptions options, CancellationToken ct)
    {
        if (data.Length < 3 || data[0] != 'P' || data[1] is < (byte)'1' or > (byte)'6' || !IsWhitespace(data[2]))
        {
            throw ImageIntakeException.Invalid("The file is not a Netpbm image: its magic is not P1..P6 followed by whitespace.");
        }

        int magic = data[1] - '0';
        bool plain = magic <= 3;
        Kind kind = (magic % 3) switch { 1 => Kind.Bitmap, 2 => Kind.Grey, _ => Kind.Colour };
        int pos = 3;
        long width = ReadHeaderNumber(data, ref pos, "width");
        long height = ReadHeaderNumber(data, ref pos, "height");
        int maxval = 1;
        if (kind != Kind.Bitmap)
        {
            long declared = ReadHeaderNumber(data, ref pos, "maxval");
            if (declared is <= 0 or >= 65536)
            {
                throw ImageIntakeException.Invalid($"The Netpbm maxval {declared} is outside 1..65535.");
            }

            maxval = (int)declared;
        }

        ImageIntake.CheckSize((int)Math.Clamp(width, int.MinValue, int.MaxValue), (int)Math.Clamp(height, int.MinValue, int.MaxValue), options);
        ReadOnlySpan<byte> raster = data[pos..];
        int w = (int)width, h = (int)height;
        BitImage image = BitImage.CreatePooled(w, h);
        try
        {
            if (kind == Kind.Bitmap)
            {
                if (plain)
                {
                    ReadPlainBitmap(raster, image, ct);
                }
                else
                {
                    ReadRawBitmap(raster, image, ct);
                }

                return image;
            }

            // Mode "I" (PGM, maxval > 255) scales to 0..65535 and convert('1') clips that to 255; else to 0..255.
            bool modeI = kind == Kind.Grey && maxval > 255;
            int bands = kind == Kind.Colour ? 3 : 1;
            byte[] map = ArrayPool<byte>.Shared.Rent(maxval < 256 ? 256 : 65536);
            byte[] row = ArrayPool<byte>.Shared.Rent(w * bands);
            try
            {
                int outMax = modeI ? 65535 : 255;
                for (int v = 0; v < (maxval < 256 ? 256 : 65536); v++)
                {
                    // Math.Round halves to even, as Python 3's round; the double operations are the same IEEE ones.
                    double scaled = Math.Min(outMax, Math.Round(v / (double)maxval * outMax));
                    map[v] = (byte)Math.Min(255, scaled);
                }

                bool dither = options.Mode == ConversionMode.Pillow;
                using var writer = new BilevelRowWriter(image, dither, options.Level);
                Span<byte> samples = row.AsSpan(0, w * bands);
                if (plain)
                {
                    ReadPlainSamples(raster, maxval, modeI, map, samples, writer, h, bands, ct);
                }
                else
                {
                    ReadRawSamples(raster, maxval, map, samples, writer, h, bands, ct);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(map);
                ArrayPool<byte>.Shared.Return(row);
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    private static void WriteRow(BilevelRowWriter writer, int y, ReadOnlySpan<byte> samples, int bands)
    {
        if (bands == 1)
        {
            writer.WriteGrey(y, samples);
        }
        else
        {
            writer.WriteRgb(y, samples, 3);
        }
    }

    private static void ReadRawBitmap(ReadOnlySpan<byte> raster, BitImage image, CancellationToken ct)
    {
        int rowBytes = BitImage.BytesPerPackedRow(image.Width);
        long needed = (long)rowBytes * image.Height;
        if (raster.Length < needed)
        {
            throw ImageIntakeException.Invalid($"The PBM raster is truncated: {needed} bytes needed after the header, {raster.Length} present.");
        }

        for (int y = 0; y < image.Height; y++)
        {
            ct.ThrowIfCancellationRequested();
            image.SetRow(y, raster.Slice(y * rowBytes, rowBytes), BitOrder.MsbFirst, invert: true); // a set bit is black
        }
    }

    private static void ReadRawSamples(
        ReadOnlySpan<byte> raster, int maxval, byte[] map, Span<byte> samples, BilevelRowWriter writer, int height, int bands, CancellationToken ct)
    {
        int sampleBytes = maxval < 256 ? 1 : 2;
        int rowBytes = samples.Length * sampleBytes;
        long needed = (long)rowBytes * height;
        if (raster.Length < needed)
        {
            throw ImageIntakeException.Invalid(
                $"The Netpbm raster is truncated: {needed} bytes needed after the header, {raster.Length} present (Pillow refuses it).");
        }

        for (int y = 0; y < height; y++)
        {
            ct.ThrowIfCancellationRequested();
            ReadOnlySpan<byte> source = raster.Slice(y * rowBytes, rowBytes);
            if (sampleBytes == 1)
            {
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = map[source[i]];
                }
            }
            else
            {
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = map[(source[2 * i] << 8) | source[(2 * i) + 1]];
                }
            }

            WriteRow(writer, y, samples, bands);
        }
    }

    private static void ReadPlainBitmap(ReadOnlySpan<byte> raster, BitImage image, CancellationToken ct)
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
                i = CommentEnd(raster, i);
                continue;
            }

            if (IsWhitespace(b))
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

    private static void ReadPlainSamples(
        ReadOnlySpan<byte> raster, int maxval, bool modeI, byte[] map, Span<byte> samples, BilevelRowWriter writer, int height, int bands, CancellationToken ct)
    {
        Span<byte> token = stackalloc byte[11];
        int length = 0, filled = 0, y = 0;
        for (int i = 0; i <= raster.Length; i++)
        {
            byte b = i < raster.Length ? raster[i] : (byte)' ';
            if (b == '#')
            {
                i = CommentEnd(raster, i);
                continue; // a comment does not end a token: "1#c\n2" is 12, as Pillow removes comments first
            }

            if (!IsWhitespace(b))
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

            long value = ParsePythonInt(token[..length])
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
                WriteRow(writer, y, samples, bands);
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
        if (raster.Length > PillowBlock || raster.IsEmpty || IsWhitespace(raster[^1]))
        {
            return;
        }

        int length = 0;
        for (int i = raster.Length - 1; i >= 0 && !IsWhitespace(raster[i]); i--)
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

    /// <summary>The index of the CR or LF that ends the comment starting at <paramref name="at"/>, or the last index.</summary>
    private static int CommentEnd(ReadOnlySpan<byte> data, int at)
    {
        int end = data[at..].IndexOfAny((byte)'\n', (byte)'\r');
        return end < 0 ? data.Length - 1 : at + end;
    }

    /// <summary>One header token as Pillow's <c>_read_token</c> reads it, leaving <paramref name="pos"/> after the
    /// single whitespace byte that ends it.</summary>
    private static long ReadHeaderNumber(ReadOnlySpan<byte> data, ref int pos, string what)
    {
        Span<byte> token = stackalloc byte[11];
        int length = 0;
        while (length <= 10)
        {
            if (pos >= data.Length)
            {
                break;
            }

            byte b = data[pos++];
            if (IsWhitespace(b))
            {
                if (length == 0)
                {
                    continue;
                }

                break;
            }

            if (b == '#')
            {
                // Up to and including the CR or LF (or the end); the token goes on after it.
                while (pos < data.Length && data[pos++] is not ((byte)'\r' or (byte)'\n'))
                {
                }

                continue;
            }

            token[length++] = b;
        }

        if (length == 0)
        {
            throw ImageIntakeException.Invalid($"The Netpbm header ends before its {what}.");
        }

        if (length > 10)
        {
            throw ImageIntakeException.Invalid($"The Netpbm header's {what} is longer than 10 bytes.");
        }

        return ParsePythonInt(token[..length])
            ?? throw ImageIntakeException.Invalid($"The Netpbm header's {what} is not a number.");
    }

    /// <summary>
    /// Python's <c>int(bytes)</c> for a token without whitespace: an optional sign, then decimal digits, single
    /// underscores allowed between digits; null for anything else. At most 10 bytes, so it fits a long.
    /// </summary>
    internal static long? ParsePythonInt(ReadOnlySpan<byte> token)
    {
        int i = 0;
        bool negative = false;
        if (token.Length > 0 && token[0] is (byte)'+' or (byte)'-')
        {
            negative = token[0] == '-';
            i = 1;
        }

        if (i == token.Length)
        {
            return null;
        }

        long value = 0;
        bool lastWasDigit = false;
        for (; i < token.Length; i++)
        {
            byte b = token[i];
            if (b is >= (byte)'0' and <= (byte)'9')
            {
                value = (value * 10) + (b - '0');
                lastWasDigit = true;
            }
            else if (b == '_' && lastWasDigit && i + 1 < token.Length)
            {
                lastWasDigit = false;
            }
            else
            {
                return null;
            }
        }

        return lastWasDigit ? (negative ? -value : value) : null;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
}
