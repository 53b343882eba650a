using System.Runtime.InteropServices;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;

namespace RleTcp.Benchmarks.Images;

/// <summary>50% random noise: every pixel an independent coin flip, the RLE format's worst case.</summary>
public static class NoiseGenerator
{
    /// <summary>Makes a deterministic noise image (same seed, same pixels).</summary>
    public static BitImage Create(int width, int height, int seed = 50)
    {
        var image = new BitImage(width, height);
        new Random(seed).NextBytes(MemoryMarshal.AsBytes(image.Words));
        ulong mask = image.LastWordMask;
        for (int y = 0; y < height; y++)
        {
            image.Row(y)[^1] &= mask; // padding bits must stay zero
        }

        return image;
    }
}
