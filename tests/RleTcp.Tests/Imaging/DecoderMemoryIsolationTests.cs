using RleTcp.Protocol;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Tests.Imaging;

[Trait("Category", "Unit")]
public class DecoderMemoryIsolationTests
{
    [Theory]
    [InlineData("gen-rle24.tga")]
    [InlineData("gen-lossy.webp")]
    [InlineData("gen-q50.jpg")]
    public void ATruncatedImageNeverShowsPixelsOfAnImageDecodedBeforeIt(string file)
    {
        // ImageSharp 2.1.13's TGA and WebP decoders leave the pixels a truncated file does not cover untouched; with
        // pooled buffers they held whatever an earlier request decoded. The answer must depend on this file alone.
        byte[] whole = File.ReadAllBytes(Path.Combine(RepositoryRoot.Directory, "fuzz", "corpus", "intake", file));
        byte[] truncated = whole[..(whole.Length / 2)];
        byte[] first = CompressOrEmpty(truncated);
        foreach (byte grey in new byte[] { 255, 0, 170 })
        {
            using Image<Rgb24> other = Image.Load<Rgb24>(whole);
            byte[] dirt = Encode(Solid(other.Width, other.Height, grey), new PngEncoder());
            _ = RleCompressor.Compress(dirt, IntakeOptions.Default);
            _ = RleCompressor.Compress(whole, IntakeOptions.Default);
            Assert.Equal(first, CompressOrEmpty(truncated));
        }
    }

    // Refusing the truncated file outright is as good an answer as a deterministic one.
    private static byte[] CompressOrEmpty(byte[] image)
    {
        try
        {
            return RleCompressor.Compress(image, IntakeOptions.Default);
        }
        catch (ImageIntakeException ex) when (ex.Error == ImageIntakeError.InvalidImage)
        {
            return [];
        }
    }

    private static Image<Rgb24> Solid(int width, int height, byte value)
    {
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24(value, value, value);
            }
        }
        return image;
    }

    private static byte[] Encode(Image<Rgb24> image, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        using (image)
        {
            using var stream = new MemoryStream();
            image.Save(stream, encoder);
            return stream.ToArray();
        }
    }
}
