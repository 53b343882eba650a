using RleTcp.Protocol.Bits;
using RleTcp.Imaging;

namespace RleTcp.Tests.Support;

/// <summary>Deterministic generated images for tests: noise, long runs, checkerboards.</summary>
public static class TestImages
{
    /// <summary>Every pixel an independent coin flip.</summary>
    public static BitImage Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        var image = new BitImage(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = random.Next(2) == 1;
            }
        }

        return image;
    }

    /// <summary>Runs of random length (1..maxRun) alternating colour, crossing rows and chunk boundaries.</summary>
    public static BitImage Runs(int width, int height, int seed, int maxRun = 400)
    {
        var random = new Random(seed);
        var image = new BitImage(width, height);
        bool white = random.Next(2) == 1;
        int left = random.Next(1, maxRun + 1);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (left-- == 0)
                {
                    white = !white;
                    left = random.Next(1, maxRun + 1) - 1;
                }

                image[x, y] = white;
            }
        }

        return image;
    }

    /// <summary>A checkerboard of <paramref name="cell"/>-pixel squares, white first.</summary>
    public static BitImage Checkerboard(int width, int height, int cell = 1)
    {
        var image = new BitImage(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = ((x / cell) + (y / cell)) % 2 == 0;
            }
        }

        return image;
    }

    /// <summary>A single-colour image.</summary>
    public static BitImage Solid(int width, int height, bool white)
    {
        var image = new BitImage(width, height);
        image.Fill(white);
        return image;
    }
}
