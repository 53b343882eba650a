using System.Buffers.Binary;
using RleTcp.Imaging;
using RleTcp.Protocol.Bits;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// TIFF read as Pillow 9.4 (libtiff 4.5) reads it: the strip tables and colour maps of every integer type and
/// position, CCITT rows in place, Orientation applied, pages and looping directory chains, and data that must
/// cover every declared row (issues 11 and 18). The randomized side is Differential/gen_tiff.py.
/// </summary>
[Trait("Category", "Unit")]
public class TiffIntakeTests
{
    [Fact]
    public void Two_strips_with_inline_SHORT_byte_counts_decode_both_strips()
    {
        // 8x2 grey, one row per strip: both StripOffsets and StripByteCounts are two SHORTs stored in the entry.
        byte[] pixels = [0, 255, 0, 255, 0, 255, 0, 255, 255, 255, 255, 255, 0, 0, 0, 0];
        var tiff = new TiffBuilder()
            .Pixels(pixels)
            .Tag(256, 3, 8).Tag(257, 3, 2).Tag(258, 3, 8).Tag(259, 3, 1).Tag(262, 3, 1)
            .StripTable(273, 3, [8, 16]).Tag(277, 3, 1).Tag(278, 3, 1).StripTable(279, 3, [8, 8])
            .Build();

        using BitImage image = ImageIntake.Decode(tiff, IntakeOptions.Default with { Mode = ConversionMode.Threshold });

        Assert.Equal(8, image.Width);
        Assert.Equal(2, image.Height);
        for (int x = 0; x < 8; x++)
        {
            Assert.Equal(pixels[x] >= 128, image[x, 0]);
            Assert.Equal(pixels[8 + x] >= 128, image[x, 1]);
        }
    }

    [Fact]
    public void Strip_table_of_SHORTs_past_byte_65535_is_read_from_its_offset()
    {
        // 70,000 bytes of padding put the pixels, the three-entry SHORT table and the IFD past byte 65535.
        byte[] pixels = [255, 0, 255];
        var tiff = new TiffBuilder(padding: 70_000)
            .Pixels(pixels)
            .Tag(256, 3, 1).Tag(257, 3, 3).Tag(258, 3, 8).Tag(259, 3, 1).Tag(262, 3, 1)
            .StripTable(273, 4, [70_008, 70_009, 70_010]).Tag(277, 3, 1).Tag(278, 3, 1).StripTable(279, 3, [1, 1, 1])
            .Build();

        using BitImage image = ImageIntake.Decode(tiff, IntakeOptions.Default with { Mode = ConversionMode.Threshold });

        Assert.True(image[0, 0]);
        Assert.False(image[0, 1]);
        Assert.True(image[0, 2]);
    }

    [Fact]
    public void Palette_TIFF_whose_colour_map_lies_past_byte_65535_takes_its_colours_from_there()
    {
        // 4-bit palette, entry 0 white and entry 1 black (all others black): a misread map gives other colours.
        ushort[] map = new ushort[3 * 16];
        map[0] = map[16] = map[32] = 0xFFFF;
        byte[] pixels = [0x01, 0x10];
        var tiff = new TiffBuilder(padding: 70_000)
            .Pixels(pixels)
            .Tag(256, 3, 2).Tag(257, 3, 1).Tag(258, 3, 4).Tag(259, 3, 1).Tag(262, 3, 3)
            .StripTable(273, 4, [70_008]).Tag(277, 3, 1).Tag(278, 3, 1).StripTable(279, 4, [1])
            .ShortArray(320, map)
            .Build();

        using BitImage image = ImageIntake.Decode(tiff, IntakeOptions.Default);

        Assert.True(image[0, 0]);
        Assert.False(image[1, 0]);
    }

    [Fact]
    public void Group3_TIFF_written_by_libtiff_keeps_every_row_in_place()
    {
        // Pillow's group3 file of a 4x4 all-black BlackIsZero image (the one gen_bilevel found shifted a row):
        // each row is an EOL and a white run of 4, i.e. zero bits, which BlackIsZero shows as black.
        byte[] file = Convert.FromHexString(
            "49492A0010000000001B001B001B001B0900000103000100000004000000010103000100000004000000020103000100" +
            "0000010000000301030001000000030000000601030001000000010000001101040001000000080000001601030001000000" +
            "04000000170104000100000008000000" + "1C0103000100000001000000" + "00000000");

        using BitImage image = ImageIntake.Decode(file, IntakeOptions.Default);

        Assert.Equal(4, image.Height);
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                Assert.False(image[x, y], $"pixel ({x},{y}) should be black");
            }
        }
    }

    [Fact]
    public void Modified_Huffman_TIFF_keeps_the_last_run_of_the_image()
    {
        // Compression 2, 10x2, WhiteIsZero: row 0 = white 4, black 6; row 1 = white 7, black 3 (each byte-aligned).
        // White 4 = 1011, black 6 = 0010; white 7 = 1111, black 3 = 10.
        byte[] rows = [0b1011_0010, 0b1111_1000];
        var tiff = new TiffBuilder()
            .Pixels(rows)
            .Tag(256, 3, 10).Tag(257, 3, 2).Tag(259, 3, 2).Tag(262, 3, 0)
            .StripTable(273, 4, [8]).Tag(278, 3, 2).StripTable(279, 4, [2])
            .Build();

        using BitImage image = ImageIntake.Decode(tiff, IntakeOptions.Default);

        for (int x = 0; x < 10; x++)
        {
            Assert.Equal(x < 4, image[x, 0]);
            Assert.Equal(x < 7, image[x, 1]);
        }
    }

    [Fact]
    public void TIFF_with_255_bits_per_sample_is_InvalidImage()
    {
        var tiff = new TiffBuilder()
            .Pixels(new byte[64])
            .Tag(256, 3, 2).Tag(257, 3, 2).Tag(258, 3, 255).Tag(259, 3, 1).Tag(262, 3, 1)
            .StripTable(273, 4, [8]).Tag(278, 3, 2).StripTable(279, 4, [64])
            .Build();

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(tiff, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("255 bits per sample", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TIFF_declaring_65535x900_whose_one_strip_covers_two_rows_is_InvalidImage()
    {
        // 1-bit, 65535 wide (8192 bytes a row), two rows per strip, one strip: 898 rows have no data at all.
        var tiff = new TiffBuilder()
            .Pixels(new byte[100])
            .Tag(256, 4, 65535).Tag(257, 3, 900).Tag(259, 3, 1).Tag(262, 3, 0)
            .StripTable(273, 4, [8]).Tag(278, 3, 2).StripTable(279, 4, [100])
            .Build();

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(tiff, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("1 strips of the 450", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Uncompressed_strip_cut_short_by_the_end_of_the_file_is_InvalidImage()
    {
        // 16x4 1-bit needs 8 bytes; the strip starts 3 bytes before the end of the file.
        TiffBuilder Builder(long offset) => new TiffBuilder()
            .Pixels(new byte[3])
            .Tag(256, 3, 16).Tag(257, 3, 4).Tag(259, 3, 1).Tag(262, 3, 0)
            .StripTable(273, 4, [offset]).Tag(278, 3, 4).StripTable(279, 4, [8]);
        int length = Builder(8).Build().Length;
        byte[] tiff = Builder(length - 3).Build();

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(tiff, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_strip_byte_count_with_the_data_present_reads_the_strip()
    {
        byte[] pixels = [0xF0, 0x0F];
        var tiff = new TiffBuilder()
            .Pixels(pixels)
            .Tag(256, 3, 8).Tag(257, 3, 2).Tag(259, 3, 1).Tag(262, 3, 1)
            .StripTable(273, 4, [8]).Tag(278, 3, 2).StripTable(279, 4, [1])
            .Build();

        using BitImage image = ImageIntake.Decode(tiff, IntakeOptions.Default);

        Assert.True(image[0, 0]);
        Assert.False(image[7, 0]);
        Assert.False(image[0, 1]);
        Assert.True(image[7, 1]);
    }

    [Theory]
    [InlineData(1, "AB/CD/EF")]
    [InlineData(2, "BA/DC/FE")]
    [InlineData(3, "FE/DC/BA")]
    [InlineData(4, "EF/CD/AB")]
    [InlineData(5, "ACE/BDF")]
    [InlineData(6, "ECA/FDB")]
    [InlineData(7, "FDB/ECA")]
    [InlineData(8, "BDF/ACE")]
    public void Orientation_turns_the_image_as_Pillow_does_on_load(int orientation, string expected)
    {
        // 2x3 bilevel, each pixel white on its own in one of six images: the letters name the source pixels
        // A B / C D / E F and say where each lands (Pillow's FLIP_LEFT_RIGHT, ROTATE_180, ..., ROTATE_90).
        string[] rows = expected.Split('/');
        for (int p = 0; p < 6; p++)
        {
            byte[] packed = new byte[3];
            packed[p / 2] = (byte)(0x80 >> (p % 2));
            var tiff = new TiffBuilder()
                .Pixels(packed)
                .Tag(256, 3, 2).Tag(257, 3, 3).Tag(259, 3, 1).Tag(262, 3, 1).Tag(274, 3, orientation)
                .StripTable(273, 4, [8]).Tag(278, 3, 3).StripTable(279, 4, [3])
                .Build();

            using BitImage image = ImageIntake.Decode(tiff, IntakeOptions.Default);

            Assert.Equal(rows[0].Length, image.Width);
            Assert.Equal(rows.Length, image.Height);
            char letter = (char)('A' + p);
            for (int y = 0; y < rows.Length; y++)
            {
                for (int x = 0; x < rows[y].Length; x++)
                {
                    Assert.True(image[x, y] == (rows[y][x] == letter), $"orientation {orientation}, pixel {letter} at ({x},{y})");
                }
            }
        }
    }

    [Fact]
    public void Deflate_strip_that_inflates_short_of_its_rows_is_refused_saying_what_is_missing()
    {
        // 4x4 grey, Deflate: the stream holds one row (4 bytes) of the 16 the strip declares.
        byte[] oneRow = ZlibOf([10, 200, 30, 250]);
        var tiff = new TiffBuilder()
            .Pixels(oneRow)
            .Tag(256, 3, 4).Tag(257, 3, 4).Tag(258, 3, 8).Tag(259, 3, 8).Tag(262, 3, 1)
            .StripTable(273, 4, [8]).Tag(278, 3, 4).StripTable(279, 4, [oneRow.Length])
            .Build();

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(tiff, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("decompresses to 4 of the 16 bytes its 4 rows need", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tile_far_wider_than_its_image_is_refused_before_anything_is_allocated_for_it()
    {
        // A 1x1000 RGBA 16-bit image in one 65536x65536 tile: a tile row is 512 KiB, 1000 rows 512 MiB.
        var tiff = new TiffBuilder()
            .Pixels([0, 0])
            .Tag(256, 3, 1).Tag(257, 3, 1000).StripTable(258, 3, [16, 16, 16, 16]).Tag(259, 3, 8).Tag(262, 3, 2)
            .Tag(277, 3, 4).Tag(322, 4, 65536).Tag(323, 4, 65536).StripTable(324, 4, [8]).StripTable(325, 4, [2])
            .StripTable(338, 3, [2])
            .Build();

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(tiff, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("decode to more bytes than the 1x1000 image", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] ZlibOf(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(buffer, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return buffer.ToArray();
    }

    [Fact]
    public void Directory_chain_that_loops_back_reads_page_0_and_has_no_page_1()
    {
        var builder = new TiffBuilder()
            .Pixels([0xFF])
            .Tag(256, 3, 8).Tag(257, 3, 1).Tag(259, 3, 1).Tag(262, 3, 1)
            .StripTable(273, 4, [8]).Tag(278, 3, 1).StripTable(279, 4, [1]);
        byte[] tiff = builder.Build(loopToSelf: true);

        using BitImage page0 = ImageIntake.Decode(tiff, IntakeOptions.Default);
        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(tiff, IntakeOptions.Default with { Page = 1 }));

        Assert.True(page0[0, 0]);
        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("page 1 does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_CCITT_run_code_table_is_a_prefix_code_with_all_runs()
    {
        foreach (int colour in new[] { 0, 1 })
        {
            var codes = RleTcp.Protocol.Codecs.G4.CcittLookupTables.CodesOf(colour).ToList();
            Assert.Equal(64 + 27 + 13 + 1, codes.Count);
            Assert.Equal(Enumerable.Range(0, 64), codes.Take(64).Select(c => c.Run));

            // Kraft: a complete prefix code sums to at most 1 (the tables also refuse overlaps when built).
            double kraft = codes.Sum(c => Math.Pow(2, -c.Code.Length));
            Assert.True(kraft <= 1.0, $"colour {colour}: Kraft sum {kraft}");
            Assert.NotNull(RleTcp.Protocol.Codecs.G4.CcittLookupTables.Runs[colour]);
        }
    }

    /// <summary>A little-endian classic TIFF: header, optional padding, pixel data, then one IFD (and its arrays).</summary>
    private sealed class TiffBuilder(int padding = 0)
    {
        private readonly List<(int Tag, int Type, byte[] Values, int Count)> _entries = [];
        private byte[] _pixels = [];

        public TiffBuilder Pixels(byte[] pixels)
        {
            _pixels = pixels;
            return this;
        }

        public TiffBuilder Tag(int tag, int type, long value) => StripTable(tag, type, [value]);

        public TiffBuilder StripTable(int tag, int type, long[] values)
        {
            int size = type == 3 ? 2 : 4;
            byte[] raw = new byte[values.Length * size];
            for (int i = 0; i < values.Length; i++)
            {
                if (size == 2)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan(i * 2), (ushort)values[i]);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan(i * 4), (uint)values[i]);
                }
            }

            _entries.Add((tag, type, raw, values.Length));
            return this;
        }

        public TiffBuilder ShortArray(int tag, ushort[] values) => StripTable(tag, 3, values.Select(v => (long)v).ToArray());

        public byte[] Build(bool loopToSelf = false)
        {
            var file = new List<byte>("II*\0\0\0\0\0"u8.ToArray());
            file.AddRange(new byte[padding]);
            file.AddRange(_pixels);
            if (file.Count % 2 == 1)
            {
                file.Add(0);
            }

            var fields = new List<(int Tag, int Type, int Count, byte[] Field)>();
            foreach ((int tag, int type, byte[] values, int count) in _entries.OrderBy(e => e.Tag))
            {
                byte[] field = new byte[4];
                if (values.Length <= 4)
                {
                    values.CopyTo(field, 0);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(field, (uint)file.Count);
                    file.AddRange(values);
                }

                fields.Add((tag, type, count, field));
            }

            int ifd = file.Count;
            var entry = new byte[12];
            file.AddRange(BitConverter.GetBytes((ushort)fields.Count));
            foreach ((int tag, int type, int count, byte[] field) in fields)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(entry, (ushort)tag);
                BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(2), (ushort)type);
                BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(4), (uint)count);
                field.CopyTo(entry, 8);
                file.AddRange(entry);
            }

            file.AddRange(BitConverter.GetBytes(loopToSelf ? (uint)ifd : 0u));
            byte[] bytes = file.ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)ifd);
            return bytes;
        }
    }
}
