using System.Buffers.Binary;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Imaging;

/// <summary>Hostile and broken files are refused with a clear kind, before anything large is allocated.</summary>
[Trait("Category", "Unit")]
public class HostileInputTests
{
    private const long AllocationBudget = 4 * 1024 * 1024;

    public static TheoryData<string, int> Truncations
    {
        get
        {
            var data = new TheoryData<string, int>();
            string[] files =
            [
                "syn_drawing_800x600.bmp", "syn_photo_rgb24_480x320.bmp", "syn_w1000_runs.png", "syn_photo_rgb_480x320.png",
                "syn_gray_gradient_512x128.png", "syn_palette16_320x240.gif", "syn_drawing_333x222.pbm", "syn_drawing_400x300_raw.tif",
            ];
            foreach (string file in files)
            {
                foreach (int percent in new[] { 1, 10, 50, 90 })
                {
                    data.Add(file, percent);
                }
            }

            return data;
        }
    }

    [Fact]
    public void Bmp_with_a_huge_pixel_offset_is_refused_without_allocating()
    {
        // 40 bytes: file header claiming pixel data at 2 GB, a core header for a 1x1 1-bit image, a palette.
        var bmp = new byte[40];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(2), 40);
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(10), 0x7FFF_FFF0);
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(14), 12);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(18), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(22), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(24), 1);

        var ex = AssertRefusedWithinBudget(bmp);

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("offset", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(65535, 65535, ImageIntakeError.ImageTooLarge, "65535x65535")]
    [InlineData(40000, 2, ImageIntakeError.InvalidImage, "32767")]
    public void Tga_sides_are_read_unsigned_so_a_huge_header_is_too_large_not_negative(
        int width, int height, ImageIntakeError error, string inMessage)
    {
        // An 18-byte header (24-bit RLE true colour) and one packet: ImageSharp 2.1.13 would read 65535 as -1.
        var tga = new byte[24];
        tga[2] = 10;
        BinaryPrimitives.WriteUInt16LittleEndian(tga.AsSpan(12), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(tga.AsSpan(14), (ushort)height);
        tga[16] = 24;
        tga[18] = 0xFF;

        var ex = AssertRefusedWithinBudget(tga);

        Assert.Equal(error, ex.Error);
        Assert.Contains(inMessage, ex.Message);
    }

    [Fact]
    public void Bmp_whose_palette_size_lies_is_refused()
    {
        byte[] bmp = HandBuiltFiles.Bmp(8, 1, 8, HandBuiltFiles.GreyRampPalette(2), new byte[4], colorsUsed: 1_000_000);

        var ex = AssertRefusedWithinBudget(bmp);

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("palette", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Png_declaring_60000x60000_in_100_bytes_is_too_large_without_allocating()
    {
        byte[] png = HandBuiltFiles.Png(60000, 60000, 1, 0, new byte[64]);
        Assert.True(png.Length < 120, $"{png.Length} bytes");

        var ex = AssertRefusedWithinBudget(png);

        Assert.Equal(ImageIntakeError.ImageTooLarge, ex.Error);
    }

    [Fact]
    public void Png_declaring_60000x60000_with_a_bad_ihdr_crc_is_an_invalid_image_not_a_large_one()
    {
        // The 1-bit fast path reads the IHDR itself: its CRC is checked before the size is, as ImageSharp's Identify did.
        byte[] png = HandBuiltFiles.Png(60000, 60000, 1, 0, new byte[64]);
        png[29] ^= 0xFF; // first byte of the IHDR CRC (8 signature + 4 length + 4 type + 13 data)

        var ex = AssertRefusedWithinBudget(png);

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("CRC", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 70000)]
    [InlineData(70000, 1)]
    [InlineData(65536, 1)]
    public void Side_over_65535_is_too_large(int width, int height)
    {
        byte[] png = HandBuiltFiles.Png(width, height, 1, 0, new byte[16]);

        Assert.Equal(ImageIntakeError.ImageTooLarge, AssertRefusedWithinBudget(png).Error);
    }

    [Fact]
    public void More_pixels_than_the_budget_is_too_large()
    {
        byte[] png = File.ReadAllBytes(Vectors.Get("syn_checker1_512x512.png").InputPath);

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(png, IntakeOptions.Default with { MaxPixels = 512 * 511 }));

        Assert.Equal(ImageIntakeError.ImageTooLarge, ex.Error);
        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Truncations))]
    public void Truncated_file_is_an_invalid_image(string file, int percent)
    {
        byte[] whole = File.ReadAllBytes(Vectors.Get(file).InputPath);
        byte[] cut = whole[..Math.Max(1, whole.Length * percent / 100)];

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(cut, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Png_whose_zlib_stream_ends_before_its_rows_is_an_invalid_image(bool interlaced)
    {
        // Every chunk is whole and CRC-correct up to IEND; only the compressed rows stop early. ImageSharp would fill
        // the missing rows with black, Pillow refuses the file as truncated.
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.L8>(300, 200, new SixLabors.ImageSharp.PixelFormats.L8(200));
        using var encoded = new MemoryStream();
        image.Save(encoded, new SixLabors.ImageSharp.Formats.Png.PngEncoder
        {
            ColorType = SixLabors.ImageSharp.Formats.Png.PngColorType.Grayscale,
            BitDepth = SixLabors.ImageSharp.Formats.Png.PngBitDepth.Bit8,
            InterlaceMethod = interlaced ? SixLabors.ImageSharp.Formats.Png.PngInterlaceMode.Adam7 : SixLabors.ImageSharp.Formats.Png.PngInterlaceMode.None,
        });
        byte[] whole = encoded.ToArray();
        Assert.NotNull(ImageIntake.Decode(whole, IntakeOptions.Default)); // the intact file is accepted

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(HandBuiltFiles.WithIdatCutShort(whole), IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("image data is truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Png_with_a_bad_crc_is_an_invalid_image()
    {
        byte[] png = HandBuiltFiles.Png(8, 1, 1, 0, [0, 0xAA], badIdatCrc: true);

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(png, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("CRC", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("BM")]
    [InlineData("\x89PNG\r\n\x1a\n")]
    [InlineData("GIF89a")]
    [InlineData("P4")]
    [InlineData("II*\0")]
    [InlineData("MM\0*")]
    [InlineData("\xff\xd8\xff")]
    public void Random_bytes_after_any_magic_are_refused_cleanly(string magic)
    {
        var random = new Random(magic.Length * 7919);
        for (int i = 0; i < 200; i++)
        {
            byte[] data = new byte[random.Next(1, 300)];
            random.NextBytes(data);
            for (int j = 0; j < magic.Length && j < data.Length; j++)
            {
                data[j] = (byte)magic[j];
            }

            // Any outcome but an exception of another type is acceptable: random bytes can form a valid tiny PBM.
            try
            {
                using BitImage image = ImageIntake.Decode(data, IntakeOptions.Default);
            }
            catch (ImageIntakeException)
            {
            }
        }
    }

    public static TheoryData<string, string> LibraryPaths
    {
        get
        {
            string[] magics = ["BM", "\x89PNG\r\n\x1a\n", "GIF89a", "P6", "II*\0", "MM\0*", "\xff\xd8\xff", "RIFF\0\0\0\0WEBPVP8 ", "\0\0\x02\0"];
            var data = new TheoryData<string, string>();
            foreach (string magic in magics)
            {
                data.Add(magic, "decode");
                data.Add(magic, "header"); // protocol v2 INFO
                data.Add(magic, "resize"); // a v2 COMPRESS with a width: ImageSharp decodes it whole
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(LibraryPaths))]
    public void Decoder_failures_are_reported_in_our_words_without_library_text_or_type_names(string magic, string path)
    {
        var random = new Random(magic.Length * 104729);
        for (int i = 0; i < 300; i++)
        {
            byte[] data = new byte[random.Next(magic.Length + 1, 400)];
            random.NextBytes(data);
            for (int j = 0; j < magic.Length; j++)
            {
                data[j] = (byte)magic[j];
            }

            try
            {
                switch (path)
                {
                    case "header":
                        ImageHeaderInfo.Read(data, ImageFormats.All);
                        break;
                    case "resize":
                        using (RequestIntake.Decode(data, IntakeOptions.Default, new ConversionRequest { Width = 7 }))
                        {
                        }

                        break;
                    default:
                        using (ImageIntake.Decode(data, IntakeOptions.Default))
                        {
                        }

                        break;
                }
            }
            catch (ImageIntakeException ex)
            {
                // The inner exception (for the server's log) may be a library's; the message goes to the client.
                Assert.DoesNotContain("Exception", ex.Message, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("SixLabors", ex.Message, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("ImageSharp", ex.Message, StringComparison.OrdinalIgnoreCase);
                if (ex.InnerException is { } inner && inner is not ImageIntakeException && inner.Message.Length > 0)
                {
                    Assert.DoesNotContain(inner.Message, ex.Message, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void Page_other_than_0_of_a_single_image_format_is_an_invalid_image_that_names_the_page()
    {
        byte[] png = HandBuiltFiles.Png(8, 1, 1, 0, [0, 0xF0]);

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(png, IntakeOptions.Default with { Page = 1 }));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("page 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gif_page_past_its_last_frame_is_an_invalid_image_that_says_how_many_frames_there_are()
    {
        byte[] gif = File.ReadAllBytes(Vectors.Get("syn_palette16_320x240.gif").InputPath);

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(gif, IntakeOptions.Default with { Page = 5 }));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("1 frame(s); page 5 does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_page_is_refused_when_the_options_are_made()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IntakeOptions.Default with { Page = -1 });
    }

    [Fact]
    public void Random_bytes_are_an_invalid_image()
    {
        var random = new Random(12345);
        byte[] data = new byte[1000];
        random.NextBytes(data);
        data[0] = 0; // not any format's magic

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(data, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
    }

    [Fact]
    public void Empty_payload_is_an_invalid_image()
    {
        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(ReadOnlyMemory<byte>.Empty, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
    }

    [Fact]
    public void Format_not_allowed_is_an_invalid_image_that_names_it()
    {
        byte[] gif = File.ReadAllBytes(Vectors.Get("syn_palette16_320x240.gif").InputPath);

        var ex = Assert.Throws<ImageIntakeException>(
            () => ImageIntake.Decode(gif, IntakeOptions.Default with { AllowedFormats = ImageFormats.Png | ImageFormats.Bmp }));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("GIF", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancelled_token_stops_the_intake()
    {
        byte[] bmp = File.ReadAllBytes(Vectors.Get("syn_drawing_800x600.bmp").InputPath);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => ImageIntake.Decode(bmp, IntakeOptions.Default, cts.Token));
    }

    private static ImageIntakeException AssertRefusedWithinBudget(byte[] data)
    {
        // Warm up the process-wide configurations so that only this call is measured.
        _ = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(data, IntakeOptions.Default));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(data, IntakeOptions.Default));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBudget, $"Refusing {data.Length} bytes allocated {allocated} bytes.");
        return ex;
    }
}
