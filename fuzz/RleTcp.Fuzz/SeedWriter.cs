using System.Buffers.Binary;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Tiff.Constants;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Fuzz;

/// <summary>
/// Writes the generated part of the seed corpus (<c>--write-seeds CORPUS_DIR</c>): tiny images in every format and
/// encoder variant the reference vectors do not cover, and tiny RLE streams. Small seeds keep AFL++ fast; variety of
/// containers and pixel layouts gets it past each decoder's header checks from the first minute. The frame-parser
/// seeds are short streams of pings, small frames, cut headers and payloads, and the extreme declared lengths.
/// </summary>
internal static class SeedWriter
{
    private const int Width = 13;
    private const int Height = 7;

    /// <summary>Writes the seeds under <paramref name="corpus"/>/intake, /rle-decoder, /g4-decoder, /jbig2-decoder and /frame-parser.</summary>
    public static void Write(string corpus)
    {
        string intake = Directory.CreateDirectory(Path.Combine(corpus, "intake")).FullName;
        using Image<Rgb24> image = Pattern();
        foreach ((string name, IImageEncoder encoder) in Encoders())
        {
            using var stream = new MemoryStream();
            image.Save(stream, encoder);
            File.WriteAllBytes(Path.Combine(intake, "gen-" + name), stream.ToArray());
        }

        string rle = Directory.CreateDirectory(Path.Combine(corpus, "rle-decoder")).FullName;
        foreach ((int w, int h) in new[] { (1, 1), (13, 7), (127, 2), (128, 1), (200, 3) })
        {
            using BitImage bits = ImageIntake.Decode(PngOf(w, h), IntakeOptions.Default);
            File.WriteAllBytes(Path.Combine(rle, $"gen-{w}x{h}.rle"), RleEncoder.Encode(bits));
        }

        // Codec decoders: small pages of each kind of content, so AFL++ starts from valid streams.
        string g4 = Directory.CreateDirectory(Path.Combine(corpus, "g4-decoder")).FullName;
        string jbig2 = Directory.CreateDirectory(Path.Combine(corpus, "jbig2-decoder")).FullName;
        foreach ((int w, int h) in new[] { (1, 1), (13, 7), (64, 9), (200, 3) })
        {
            using BitImage bits = ImageIntake.Decode(PngOf(w, h), IntakeOptions.Default);
            byte[] stream = BilevelCodecs.Encode(BilevelCodecs.Get("g4"), bits);
            byte[] seed = new byte[2 + stream.Length];
            BinaryPrimitives.WriteUInt16LittleEndian(seed, (ushort)(w - 1));
            stream.CopyTo(seed, 2);
            File.WriteAllBytes(Path.Combine(g4, $"gen-{w}x{h}.g4w"), seed);
            File.WriteAllBytes(Path.Combine(jbig2, $"gen-{w}x{h}.jb2"), BilevelCodecs.Encode(BilevelCodecs.Get("jbig2"), bits));
        }

        string frames = Directory.CreateDirectory(Path.Combine(corpus, "frame-parser")).FullName;
        foreach ((string name, byte[] seed) in FrameSeeds())
        {
            File.WriteAllBytes(Path.Combine(frames, "gen-" + name), seed);
        }
    }

    // Byte 0 is the shape (segment cutting, frame limit: see FrameParserTarget), then the stream.
    private static IEnumerable<(string Name, byte[] Seed)> FrameSeeds()
    {
        static byte[] Frame(ulong declared, int payloadBytes)
        {
            byte[] frame = new byte[FrameHeader.Size + payloadBytes];
            FrameHeader.Write(frame, declared);
            for (int i = 0; i < payloadBytes; i++)
            {
                frame[FrameHeader.Size + i] = (byte)(i * 37);
            }

            return frame;
        }

        const byte Limit16 = 2 << 6;
        const byte Limit300 = 3 << 6;
        yield return ("ping.bin", [0x00, .. Frame(0, 0)]);
        yield return ("pings-1byte-segments.bin", [0x00, .. Frame(0, 0), .. Frame(0, 0), .. Frame(0, 0)]);
        yield return ("one-byte-frame.bin", [(1 << 6) | 0x03, .. Frame(1, 1), .. Frame(0, 0)]);
        yield return ("frames-alternating.bin", [Limit16 | 0x10 | 0x04, .. Frame(3, 3), .. Frame(0, 0), .. Frame(16, 16)]);
        yield return ("frames-with-empties.bin", [Limit300 | 0x20 | 0x06, .. Frame(5, 5), .. Frame(200, 200), .. Frame(2, 2)]);
        yield return ("header-cut.bin", [Limit16 | 0x02, .. Frame(4, 4), .. Frame(9, 0).AsSpan(0, 5)]);
        yield return ("payload-cut.bin", [Limit300 | 0x07, .. Frame(100, 40)]);
        yield return ("over-limit.bin", [Limit16 | 0x01, .. Frame(17, 17)]);
        yield return ("len-2e31.bin", [Limit300 | 0x0F, .. Frame(1UL << 31, 0)]);
        yield return ("len-2e32.bin", [Limit300 | 0x13, .. Frame(1UL << 32, 0)]);
        yield return ("len-2e63.bin", [Limit300 | 0x30, .. Frame(1UL << 63, 3)]);
        yield return ("len-max.bin", [Limit300 | 0x00, .. Frame(ulong.MaxValue, 0)]);
    }

    private static IEnumerable<(string Name, IImageEncoder Encoder)> Encoders()
    {
        yield return ("rgb.png", new PngEncoder { ColorType = PngColorType.Rgb });
        yield return ("gray-alpha.png", new PngEncoder { ColorType = PngColorType.GrayscaleWithAlpha });
        yield return ("palette.png", new PngEncoder { ColorType = PngColorType.Palette });
        yield return ("interlaced.png", new PngEncoder { InterlaceMethod = PngInterlaceMode.Adam7 });
        yield return ("1bit.png", new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit1 });
        yield return ("24.bmp", new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 });
        yield return ("8.bmp", new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel8 });
        yield return ("32.bmp", new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel32 });
        yield return ("tiny.gif", new GifEncoder());
        yield return ("q50.jpg", new JpegEncoder { Quality = 50 });
        yield return ("rle24.tga", new TgaEncoder { BitsPerPixel = TgaBitsPerPixel.Pixel24, Compression = TgaCompression.RunLength });
        yield return ("raw8.tga", new TgaEncoder { BitsPerPixel = TgaBitsPerPixel.Pixel8, Compression = TgaCompression.None });
        yield return ("1bit.tif", new TiffEncoder { BitsPerPixel = TiffBitsPerPixel.Bit1, Compression = TiffCompression.None });
        yield return ("ccitt3.tif", new TiffEncoder { BitsPerPixel = TiffBitsPerPixel.Bit1, Compression = TiffCompression.CcittGroup3Fax });
        yield return ("packbits8.tif", new TiffEncoder { BitsPerPixel = TiffBitsPerPixel.Bit8, Compression = TiffCompression.PackBits });
        yield return ("lzw24.tif", new TiffEncoder { BitsPerPixel = TiffBitsPerPixel.Bit24, Compression = TiffCompression.Lzw });
        yield return ("deflate24.tif", new TiffEncoder { BitsPerPixel = TiffBitsPerPixel.Bit24, Compression = TiffCompression.Deflate });
        yield return ("p1.pbm", new PbmEncoder { ColorType = PbmColorType.BlackAndWhite, Encoding = PbmEncoding.Plain });
        yield return ("p4.pbm", new PbmEncoder { ColorType = PbmColorType.BlackAndWhite, Encoding = PbmEncoding.Binary });
        yield return ("p2.pgm", new PbmEncoder { ColorType = PbmColorType.Grayscale, Encoding = PbmEncoding.Plain });
        yield return ("p5.pgm", new PbmEncoder { ColorType = PbmColorType.Grayscale, Encoding = PbmEncoding.Binary });
        yield return ("p6.ppm", new PbmEncoder { ColorType = PbmColorType.Rgb, Encoding = PbmEncoding.Binary });
        yield return ("lossless.webp", new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });
        yield return ("lossy.webp", new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = 50 });
    }

    // Diagonal stripes over a colour gradient: every encoder gets grey levels, colour, and runs of both bilevel values.
    private static Image<Rgb24> Pattern()
    {
        var image = new Image<Rgb24>(Width, Height);
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                bool stripe = (x + y) % 4 < 2;
                image[x, y] = stripe
                    ? new Rgb24((byte)(x * 19), (byte)(y * 36), 200)
                    : new Rgb24(255, 255, (byte)(x * 7));
            }
        }

        return image;
    }

    private static byte[] PngOf(int width, int height)
    {
        using var image = new Image<L8>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new L8((x / 3 + y) % 3 == 0 ? (byte)0 : (byte)255);
            }
        }

        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
