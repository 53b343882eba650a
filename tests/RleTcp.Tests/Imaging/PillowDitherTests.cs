using System.Runtime.InteropServices;

using CsCheck;

using RleTcp.Imaging;
using RleTcp.Protocol.Bits;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// The fast dither (four rows as a wavefront, table look-ups, one byte per result) and the bit packer against the
/// readable reference <see cref="PillowBilevel.Dither"/>, which the hand-computed cases pin to Pillow's tobilevel.
/// </summary>
[Trait("Category", "Unit")]
public class PillowDitherTests
{
    // Widths around the wavefront's edges (a row 2 pixels behind the one above, 4 rows: 6 steps of lead-in) and
    // around the 64-pixel words; heights around the 4-row groups.
    private static readonly Gen<int> Widths = Gen.OneOf(Gen.Int[1, 9], Gen.Int[60, 70], Gen.Int[1, 300]);

    private static readonly Gen<(int Width, int Height, byte[] Values)> Images =
        from width in Widths
        from height in Gen.Int[1, 11]
        from kind in Gen.Int[0, 3]
        from values in (kind switch
        {
            // Uniform noise, flat greys (long error chains), extremes (the clip at 0 and 255), mid-greys near 128.
            0 => Gen.Byte,
            1 => Gen.Byte[100, 156],
            2 => Gen.OneOf(Gen.Const((byte)0), Gen.Const((byte)255), Gen.Byte[120, 136]),
            _ => Gen.Byte[126, 130],
        }).Array[width * height]
        select (width, height, values);

    [Fact]
    public void Dither_rows_equal_the_reference_row_by_row_on_random_images()
    {
        Images.Sample(image =>
        {
            (int width, int height, byte[] values) = image;
            Assert.Equal(Reference(width, height, values), Fast(width, height, values, rowsPerCall: height));
        }, iter: 2000);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Dither_rows_carry_errors_across_calls_of_any_size(int rowsPerCall)
    {
        Images.Sample(image =>
        {
            (int width, int height, byte[] values) = image;
            Assert.Equal(Reference(width, height, values), Fast(width, height, values, rowsPerCall));
        }, iter: 300);
    }

    [Fact]
    public void Dither_survives_the_extreme_error_chains_its_tables_are_sized_for()
    {
        // 128 everywhere keeps the error at its maximum, 128 (never white); a 129/128 checkerboard and 0/255 stripes
        // swing it to both ends. The tables cover [-2016, 2048]; an index outside would read past them.
        foreach (Func<int, int, byte> pixel in new Func<int, int, byte>[]
        {
            (_, _) => 128, (x, y) => (byte)(((x + y) & 1) == 0 ? 129 : 128), (x, _) => (byte)((x & 1) * 255), (_, y) => (byte)((y & 1) * 255),
        })
        {
            const int width = 131, height = 37;
            byte[] values = new byte[width * height];
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    values[(y * width) + x] = pixel(x, y);
                }
            }

            Assert.Equal(Reference(width, height, values), Fast(width, height, values, PillowDither.Rows));
        }
    }

    [Fact]
    public void Bilevel_writer_dithers_to_the_same_image_as_the_reference()
    {
        Images.Sample(image =>
        {
            (int width, int height, byte[] values) = image;
            using var bits = new BitImage(width, height);
            using (var writer = new BilevelRowWriter(bits, dither: true))
            {
                for (int y = 0; y < height; y++)
                {
                    writer.WriteGrey(y, values.AsSpan(y * width, width));
                }
            }

            using var expected = new BitImage(width, height);
            int[] errors = new int[width + 1];
            byte[] packed = new byte[BitImage.BytesPerPackedRow(width)];
            for (int y = 0; y < height; y++)
            {
                PillowBilevel.Dither(values.AsSpan(y * width, width), errors, packed);
                expected.SetRow(y, packed);
            }

            Assert.Equal(expected, bits);
        }, iter: 500);
    }

    [Fact]
    public void Bilevel_writer_refuses_dithered_rows_out_of_order()
    {
        using var bits = new BitImage(8, 3);
        using var writer = new BilevelRowWriter(bits, dither: true);
        writer.WriteGrey(0, new byte[8]);
        Assert.Throws<InvalidOperationException>(() => writer.WriteGrey(2, new byte[8]));
    }

    [Fact]
    public void Packer_sets_a_bit_for_every_byte_with_its_top_bit_set_and_clears_the_padding()
    {
        Gen.Byte.Array[1, 300].Sample(row =>
        {
            ulong[] words = new ulong[BitImage.WordsFor(row.Length)];
            Array.Fill(words, ulong.MaxValue);
            MsbPacker.Pack(row, row.Length, words);
            byte[] expected = new byte[BitImage.BytesPerPackedRow(row.Length)];
            PillowBilevel.Threshold(row, expected);
            using var image = new BitImage(row.Length, 1);
            image.SetRow(0, expected);
            Assert.Equal(image.Row(0).ToArray(), words);
        });
    }

    [Fact]
    public void Packer_vector_and_scalar_words_agree()
    {
        Gen.Byte.Array[64].Sample(bytes =>
        {
            ref byte start = ref MemoryMarshal.GetArrayDataReference(bytes);
            Assert.Equal(MsbPacker.WordScalar(ref start), MsbPacker.WordVector(ref start));
        });
    }

    private static byte[] Reference(int width, int height, byte[] values)
    {
        int[] errors = new int[width + 1];
        int rowBytes = BitImage.BytesPerPackedRow(width);
        byte[] packed = new byte[rowBytes * height];
        for (int y = 0; y < height; y++)
        {
            PillowBilevel.Dither(values.AsSpan(y * width, width), errors, packed.AsSpan(y * rowBytes, rowBytes));
        }

        return packed;
    }

    private static byte[] Fast(int width, int height, byte[] values, int rowsPerCall)
    {
        int[] errors = new int[width + 1];
        byte[] msbs = new byte[width * height];
        for (int y = 0; y < height; y += rowsPerCall)
        {
            int rows = Math.Min(rowsPerCall, height - y);
            PillowDither.DitherRows(values.AsSpan(y * width), width, width, rows, errors, msbs.AsSpan(y * width), width);
        }

        int rowBytes = BitImage.BytesPerPackedRow(width);
        byte[] packed = new byte[rowBytes * height];
        for (int y = 0; y < height; y++)
        {
            PillowBilevel.Threshold(msbs.AsSpan(y * width, width), packed.AsSpan(y * rowBytes, rowBytes));
        }

        return packed;
    }
}
