using System.Buffers.Binary;
using RleTcp.Imaging;
using RleTcp.Protocol.Bits;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// WebP refused where libwebp (behind Pillow 9.4) refuses it, and animated WebP read as its first frame (issues 11
/// and 18). The randomized side is Differential/gen_webp.py.
/// </summary>
[Trait("Category", "Unit")]
public class WebpIntakeTests
{
    [Fact]
    public void Lossless_webp_cut_short_is_InvalidImage()
    {
        byte[] webp = Lossless(Gradient(40, 30, 0));

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(webp[..(webp.Length - 7)], IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vp8x_canvas_that_disagrees_with_its_1x1_bitstream_is_InvalidImage()
    {
        byte[] still = Lossless(Gradient(1, 1, 0));
        byte[] webp = Riff([.. Vp8x(flags: 0, 65536, 1), .. still.AsSpan(12).ToArray()]);

        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(webp, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        Assert.Contains("canvas is 65536x1 but its bitstream is 1x1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Animated_webp_is_read_as_its_first_frame()
    {
        (byte[] webp, byte[] first) = Animated();

        using BitImage expected = ImageIntake.Decode(first, IntakeOptions.Default);
        using BitImage decoded = ImageIntake.Decode(webp, IntakeOptions.Default);

        Assert.Equal(expected, decoded);
    }

    /// <summary>A 24x16 animated lossless WebP of two frames, and its first frame as a still file.</summary>
    internal static (byte[] Animated, byte[] First) Animated()
    {
        byte[] first = Lossless(Gradient(24, 16, 0));
        byte[] second = Lossless(Gradient(24, 16, 90));
        byte[] anim = new byte[14];
        "ANIM"u8.CopyTo(anim);
        BinaryPrimitives.WriteUInt32LittleEndian(anim.AsSpan(4), 6);
        return (Riff([.. Vp8x(flags: 0x02, 24, 16), .. anim, .. Frame(first, 24, 16), .. Frame(second, 24, 16)]), first);
    }

    private static Image<Rgb24> Gradient(int width, int height, int shift)
    {
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)((x * 10) + shift), (byte)(y * 15), (byte)(x * y));
            }
        }

        return image;
    }

    private static byte[] Lossless(Image<Rgb24> image)
    {
        using (image)
        {
            using var stream = new MemoryStream();
            image.SaveAsWebp(stream, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });
            return stream.ToArray();
        }
    }

    private static byte[] Riff(byte[] chunks)
    {
        byte[] file = new byte[12 + chunks.Length];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(4 + chunks.Length));
        "WEBP"u8.CopyTo(file.AsSpan(8));
        chunks.CopyTo(file, 12);
        return file;
    }

    private static byte[] Vp8x(byte flags, int width, int height)
    {
        byte[] chunk = new byte[18];
        "VP8X"u8.CopyTo(chunk);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), 10);
        chunk[8] = flags;
        WriteU24(chunk.AsSpan(12), width - 1);
        WriteU24(chunk.AsSpan(15), height - 1);
        return chunk;
    }

    // An ANMF chunk at (0, 0) holding the image chunks of a still file (everything after its 12-byte RIFF header).
    private static byte[] Frame(byte[] still, int width, int height)
    {
        byte[] image = still[12..];
        byte[] chunk = new byte[8 + 16 + image.Length];
        "ANMF"u8.CopyTo(chunk);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), (uint)(16 + image.Length));
        WriteU24(chunk.AsSpan(14), width - 1);
        WriteU24(chunk.AsSpan(17), height - 1);
        WriteU24(chunk.AsSpan(20), 100);
        chunk[23] = 0x02; // no blending
        image.CopyTo(chunk, 24);
        return chunk;
    }

    private static void WriteU24(Span<byte> at, int value)
    {
        at[0] = (byte)value;
        at[1] = (byte)(value >> 8);
        at[2] = (byte)(value >> 16);
    }
}
