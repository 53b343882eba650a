namespace RleTcp.Imaging.Formats;

/// <summary>
/// A PNG scanline's samples as the one 8-bit value per pixel that <see cref="BilevelRowWriter"/> converts, as Pillow
/// 9.4 reads each colour type and bit depth on the way to "1" (for <see cref="PngReader"/> and <see cref="PngPipeline"/>).
/// </summary>
internal static class PngSamples
{
    /// <summary>One scanline (already unfiltered) as the 8-bit values <see cref="BilevelRowWriter"/> converts.</summary>
    public static void ToValues(PngHeader header, ReadOnlySpan<byte> levels, ReadOnlySpan<byte> raw, Span<byte> values)
    {
        int n = values.Length;
        switch (header.ColorType, header.BitDepth)
        {
            case (0, 8):
                raw[..n].CopyTo(values);
                break;
            case (0, 16):
                // Mode "I": convert('1') goes through "L", which clips to 0..255 (Pillow 9.4 does not scale).
                for (int x = 0; x < n; x++)
                {
                    values[x] = raw[2 * x] != 0 ? (byte)255 : raw[(2 * x) + 1];
                }

                break;
            case (0, _):
            {
                // "L;2", "L;4" scale by 255 / (2^depth - 1); "1" is 0 or 255.
                int depth = header.BitDepth, mask = (1 << depth) - 1, scale = 255 / mask;
                for (int x = 0; x < n; x++)
                {
                    int bit = x * depth;
                    values[x] = (byte)(((raw[bit >> 3] >> (8 - depth - (bit & 7))) & mask) * scale);
                }

                break;
            }

            case (3, 8):
                for (int x = 0; x < n; x++)
                {
                    values[x] = levels[raw[x]];
                }

                break;
            case (3, _):
            {
                int depth = header.BitDepth, mask = (1 << depth) - 1;
                for (int x = 0; x < n; x++)
                {
                    int bit = x * depth;
                    values[x] = levels[(raw[bit >> 3] >> (8 - depth - (bit & 7))) & mask];
                }

                break;
            }

            case (4, _):
            {
                // Grey + alpha: the grey sample (its high byte at 16 bits, as Pillow's "LA;16B" unpacker).
                int step = header.BitDepth == 16 ? 4 : 2;
                for (int x = 0; x < n; x++)
                {
                    values[x] = raw[x * step];
                }

                break;
            }

            default:
            {
                // RGB (3 samples) or RGBA (4): the luma of the high bytes; alpha is dropped, as Pillow's RGBA -> 1.
                int sampleBytes = header.BitDepth / 8;
                int step = header.Channels * sampleBytes;
                if (sampleBytes == 1)
                {
                    PillowLuma.Row(raw, step, values[..n]);
                    break;
                }

                for (int x = 0, i = 0; x < n; x++, i += step)
                {
                    values[x] = (byte)(PillowBilevel.Luma1000(raw[i], raw[i + sampleBytes], raw[i + (2 * sampleBytes)]) / 1000);
                }

                break;
            }
        }
    }
}
