using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Rle;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Codecs;

/// <summary>
/// The images every codec is checked on: every public vector (its bits, from the expected RLE), and a few hundred
/// generated ones (noise, long and short runs, runs past the 2560-pixel make-up codes, checkerboards, solids).
/// </summary>
internal static class CodecCorpus
{
    /// <summary>Every image, named; generated ones are fixed by their seed.</summary>
    public static IEnumerable<(string Name, BitImage Image)> All(int generated = 240)
    {
        foreach (VectorCase vector in Vectors.All)
        {
            yield return (Path.GetFileNameWithoutExtension(vector.File), RleDecoder.Decode(File.ReadAllBytes(vector.ExpectedPath)));
        }

        foreach ((string name, BitImage image) in Generated(generated))
        {
            yield return (name, image);
        }
    }

    /// <summary>Generated images only.</summary>
    public static IEnumerable<(string Name, BitImage Image)> Generated(int count)
    {
        var random = new Random(15);
        for (int i = 0; i < count; i++)
        {
            int kind = i % 8;
            int width = kind == 6 ? random.Next(2600, 9000) : random.Next(1, 320);
            int height = kind == 6 ? random.Next(1, 6) : random.Next(1, 40);
            int seed = random.Next();
            BitImage image = kind switch
            {
                0 => TestImages.Noise(width, height, seed),
                1 => TestImages.Runs(width, height, seed, maxRun: 400),
                2 => TestImages.Runs(width, height, seed, maxRun: 4),
                3 => TestImages.Checkerboard(width, height, cell: 1 + (seed % 6)),
                4 => TestImages.Solid(width, height, white: seed % 2 == 0),
                5 => TestImages.Runs(width, height, seed, maxRun: 70),
                6 => TestImages.Runs(width, height, seed, maxRun: 6000),
                _ => Sparse(width, height, seed),
            };
            yield return ($"gen{i:D3}_k{kind}_{width}x{height}", image);
        }
    }

    // White with a few black specks: what a mostly blank page looks like row by row.
    private static BitImage Sparse(int width, int height, int seed)
    {
        var random = new Random(seed);
        BitImage image = TestImages.Solid(width, height, white: true);
        for (int n = (width * height) / 50; n >= 0; n--)
        {
            image[random.Next(width), random.Next(height)] = false;
        }

        return image;
    }
}
