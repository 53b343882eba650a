using RleTcp.Protocol.Bits;
using RleTcp.Imaging;

namespace RleTcp.Tests.Support;

/// <summary>
/// The textbook encoder written as plainly as possible, pixel by pixel: the oracle the fast encoder is checked against.
/// </summary>
public static class ReferenceRleEncoder
{
    public static byte[] Encode(BitImage image)
    {
        var output = new List<byte>
        {
            (byte)image.Width, (byte)(image.Width >> 8), (byte)image.Height, (byte)(image.Height >> 8),
        };
        for (int y = 0; y < image.Height; y++)
        {
            for (int chunk = 0; chunk < image.Width; chunk += 127)
            {
                int end = Math.Min(chunk + 127, image.Width);
                bool value = image[chunk, y];
                int length = 0;
                for (int x = chunk; x < end; x++)
                {
                    if (image[x, y] != value)
                    {
                        output.Add(Run(value, length));
                        value = image[x, y];
                        length = 0;
                    }

                    length++;
                }

                output.Add(Run(value, length));
            }
        }

        return output.ToArray();
    }

    private static byte Run(bool white, int length) => (byte)((white ? 0x80 : 0) | length);
}
