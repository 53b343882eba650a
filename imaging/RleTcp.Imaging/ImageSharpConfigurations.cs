using System.Collections.Concurrent;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;

namespace RleTcp.Imaging;

/// <summary>
/// Process-wide ImageSharp configurations, one per set of allowed formats, never <c>Configuration.Default</c>:
/// one thread per decode (the server parallelises across requests, not inside one), an allocator that hands out
/// zeroed memory only, only the allowed formats' decoders, RLE bitmaps' skipped pixels as palette entry 0,
/// and GIF/TIFF decoding the first frame only.
/// </summary>
internal static class ImageSharpConfigurations
{
    // A fresh, zeroed managed array per buffer, never a pooled one: some 2.1.13 decoders (TGA, WebP, ...) leave the
    // pixels a truncated file does not cover untouched, and with a pooled allocator those would carry an earlier
    // request's pixels (possibly another client's) into this answer. Its built-in limits (1 GB per buffer, 4 GB per
    // image) sit above what MaxPixels lets through, which is checked from the header before any decoder runs.
    private static readonly MemoryAllocator Allocator = new SimpleGcMemoryAllocator();

    private static readonly ConcurrentDictionary<ImageFormats, Configuration> Cache = new();

    /// <summary>The configuration that decodes exactly <paramref name="allowed"/>.</summary>
    public static Configuration For(ImageFormats allowed) => Cache.GetOrAdd(allowed & ImageFormats.All, Create);

    private static Configuration Create(ImageFormats allowed)
    {
        var modules = new List<IConfigurationModule>();
        void Add(ImageFormats flag, IConfigurationModule module)
        {
            if ((allowed & flag) != 0)
            {
                modules.Add(module);
            }
        }

        Add(ImageFormats.Png, new PngConfigurationModule());
        Add(ImageFormats.Bmp, new BmpConfigurationModule());
        Add(ImageFormats.Gif, new GifConfigurationModule());
        Add(ImageFormats.Tiff, new TiffConfigurationModule());
        Add(ImageFormats.Pbm, new PbmConfigurationModule());
        Add(ImageFormats.Tga, new TgaConfigurationModule());
        Add(ImageFormats.Jpeg, new JpegConfigurationModule());
        Add(ImageFormats.Webp, new WebpConfigurationModule());

        var configuration = new Configuration(modules.ToArray())
        {
            MaxDegreeOfParallelism = 1,
            MemoryAllocator = Allocator,
        };
        if ((allowed & ImageFormats.Gif) != 0)
        {
            configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        }

        if ((allowed & ImageFormats.Bmp) != 0)
        {
            // Pixels an RLE bitmap skips (end of line, delta) are index 0 in Pillow, not black.
            configuration.ImageFormatsManager.SetDecoder(BmpFormat.Instance, new BmpDecoder { RleSkippedPixelHandling = RleSkippedPixelHandling.FirstColorOfPalette });
        }

        if ((allowed & ImageFormats.Tiff) != 0)
        {
            configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        }

        return configuration;
    }
}
