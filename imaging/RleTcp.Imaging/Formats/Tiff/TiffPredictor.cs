using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// Undoes TIFF's Predictor (tag 317) on one decompressed row, as libtiff's <c>tif_predict.c</c> does after LZW,
/// Deflate or LZMA: 2 is horizontal differencing of 8, 16 or 32-bit samples (per sample, <c>stride</c> apart),
/// 3 is the floating-point predictor (the row's bytes differenced, then regrouped from byte planes, most significant
/// plane first, into values).
/// </summary>
internal static class TiffPredictor
{
    /// <summary>Whether libtiff decodes this predictor for these samples (it fails the strip otherwise).</summary>
    public static bool Supports(int predictor, int bits, int sampleFormat) => predictor switch
    {
        1 => true,
        2 => bits is 8 or 16 or 32,
        3 => sampleFormat == 3 && bits is 16 or 32 or 64,
        _ => false,
    };

    /// <summary>
    /// Undoes the predictor on <paramref name="row"/> (<paramref name="values"/> samples, <paramref name="stride"/> per
    /// pixel); multi-byte values are left in the file's byte order (<paramref name="little"/>), as they were stored.
    /// <paramref name="scratch"/> holds at least a row.
    /// </summary>
    public static void Undo(Span<byte> row, int predictor, int bits, int stride, int values, bool little, Span<byte> scratch)
    {
        if (predictor == 2)
        {
            Horizontal(row, bits, stride, values, little);
        }
        else if (predictor == 3)
        {
            FloatingPoint(row, bits / 8, stride, values, little, scratch);
        }
    }

    private static void Horizontal(Span<byte> row, int bits, int stride, int values, bool little)
    {
        switch (bits)
        {
            case 8:
                for (int i = stride; i < values; i++)
                {
                    row[i] += row[i - stride];
                }

                break;
            case 16:
                for (int i = stride; i < values; i++)
                {
                    Span<byte> at = row.Slice(2 * i, 2);
                    ReadOnlySpan<byte> before = row.Slice(2 * (i - stride), 2);
                    if (little)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(at) + BinaryPrimitives.ReadUInt16LittleEndian(before)));
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(at, (ushort)(BinaryPrimitives.ReadUInt16BigEndian(at) + BinaryPrimitives.ReadUInt16BigEndian(before)));
                    }
                }

                break;
            default:
                for (int i = stride; i < values; i++)
                {
                    Span<byte> at = row.Slice(4 * i, 4);
                    ReadOnlySpan<byte> before = row.Slice(4 * (i - stride), 4);
                    if (little)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(at, BinaryPrimitives.ReadUInt32LittleEndian(at) + BinaryPrimitives.ReadUInt32LittleEndian(before));
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt32BigEndian(at, BinaryPrimitives.ReadUInt32BigEndian(at) + BinaryPrimitives.ReadUInt32BigEndian(before));
                    }
                }

                break;
        }
    }

    private static void FloatingPoint(Span<byte> row, int bytesPerValue, int stride, int values, bool little, Span<byte> scratch)
    {
        int count = values * bytesPerValue;
        for (int i = stride; i < count; i++)
        {
            row[i] += row[i - stride];
        }

        Span<byte> planes = scratch[..count];
        row[..count].CopyTo(planes);
        for (int v = 0; v < values; v++)
        {
            for (int b = 0; b < bytesPerValue; b++)
            {
                // Plane b holds byte b of every value, the most significant first.
                row[(v * bytesPerValue) + (little ? bytesPerValue - 1 - b : b)] = planes[(b * values) + v];
            }
        }
    }
}
