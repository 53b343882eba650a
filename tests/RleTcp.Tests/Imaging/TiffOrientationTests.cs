using RleTcp.Imaging.Formats;
using RleTcp.Protocol.Bits;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// <see cref="TiffOrientation.Apply(BitImage, int)"/> turns packed rows a word or an 8x8 block at a time; each
/// orientation must land every pixel where <see cref="TiffOrientation.Source"/> (Pillow's transposes) says.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TiffOrientationTests
{
    public static TheoryData<int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int>();
        foreach ((int w, int h) in new[] { (1, 1), (7, 3), (8, 8), (9, 17), (64, 65), (130, 9), (9, 130), (200, 71) })
        {
            for (int orientation = 1; orientation <= 8; orientation++)
            {
                data.Add(orientation, w, h);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Turned_bits_are_the_pixels_the_orientation_maps_to(int orientation, int width, int height)
    {
        var random = new Random((orientation * 1000) + width + height);
        var source = new BitImage(width, height);
        var copy = new BitImage(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bool white = random.Next(2) == 1;
                source[x, y] = white;
                copy[x, y] = white;
            }
        }

        using BitImage turned = TiffOrientation.Apply(source, orientation);

        Assert.Equal(TiffOrientation.SwapsSides(orientation) ? (height, width) : (width, height), (turned.Width, turned.Height));
        for (int y = 0; y < turned.Height; y++)
        {
            for (int x = 0; x < turned.Width; x++)
            {
                (int sx, int sy) = TiffOrientation.Source(orientation, x, y, width, height);
                Assert.True(copy[sx, sy] == turned[x, y], $"orientation {orientation}: pixel ({x}, {y}) is not source ({sx}, {sy})");
            }

            Assert.Equal(0UL, turned.Row(y)[^1] & ~turned.LastWordMask);
        }
    }
}
