using RleTcp.Protocol.Bits;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// TIFF Orientation (tag 274) applied as Pillow 9.4 applies it on load (TiffImagePlugin.load_end): 2 mirror,
/// 3 rotate 180, 4 flip, 5 transpose, 6 <c>ROTATE_270</c> (a quarter turn clockwise), 7 transverse,
/// 8 <c>ROTATE_90</c> (a quarter turn counter-clockwise). Pillow turns the decoded pixels before
/// <c>convert('1')</c>, so a dithered image must be turned before it is dithered.
/// </summary>
internal static class TiffOrientation
{
    /// <summary>Whether <paramref name="orientation"/> swaps width and height (5 to 8).</summary>
    public static bool SwapsSides(int orientation) => orientation is >= 5 and <= 8;

    /// <summary>The source pixel that lands on (<paramref name="x"/>, <paramref name="y"/>) of the turned image,
    /// for a source of <paramref name="w"/> x <paramref name="h"/>.</summary>
    public static (int X, int Y) Source(int orientation, int x, int y, int w, int h) => orientation switch
    {
        2 => (w - 1 - x, y),
        3 => (w - 1 - x, h - 1 - y),
        4 => (x, h - 1 - y),
        5 => (y, x),
        6 => (y, h - 1 - x),
        7 => (w - 1 - y, h - 1 - x),
        8 => (w - 1 - y, x),
        _ => (x, y),
    };

    /// <summary>The turned image; <paramref name="image"/> is disposed when a new one replaces it.</summary>
    public static BitImage Apply(BitImage image, int orientation)
    {
        if (orientation is < 2 or > 8)
        {
            return image;
        }

        int w = image.Width, h = image.Height;
        BitImage turned = SwapsSides(orientation) ? BitImage.CreatePooled(h, w) : BitImage.CreatePooled(w, h);
        using (image)
        {
            for (int y = 0; y < turned.Height; y++)
            {
                for (int x = 0; x < turned.Width; x++)
                {
                    (int sx, int sy) = Source(orientation, x, y, w, h);
                    if (image[sx, sy])
                    {
                        turned[x, y] = true;
                    }
                }
            }
        }

        return turned;
    }

    /// <summary>The turned image; <paramref name="image"/> is disposed when a new one replaces it.</summary>
    public static Image<TPixel> Apply<TPixel>(Image<TPixel> image, int orientation)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        if (orientation is < 2 or > 8)
        {
            return image;
        }

        int w = image.Width, h = image.Height;
        var turned = SwapsSides(orientation)
            ? new Image<TPixel>(image.GetConfiguration(), h, w)
            : new Image<TPixel>(image.GetConfiguration(), w, h);
        using (image)
        {
            for (int y = 0; y < turned.Height; y++)
            {
                Span<TPixel> row = turned.DangerousGetPixelRowMemory(y).Span;
                for (int x = 0; x < row.Length; x++)
                {
                    (int sx, int sy) = Source(orientation, x, y, w, h);
                    row[x] = image[sx, sy];
                }
            }
        }

        return turned;
    }
}
