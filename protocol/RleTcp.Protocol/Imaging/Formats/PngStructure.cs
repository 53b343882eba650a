using System.Buffers.Binary;

namespace RleTcp.Protocol.Imaging.Formats;

/// <summary>
/// Checks that a PNG's chunks are all inside the payload up to IEND. ImageSharp 2.1.13 decodes a truncated PNG
/// without complaint (missing rows come out black), where Pillow refuses it as truncated.
/// </summary>
internal static class PngStructure
{
    public static void CheckComplete(ReadOnlySpan<byte> data)
    {
        for (long pos = 8; ;)
        {
            if (pos + 12 > data.Length)
            {
                throw ImageIntakeException.Invalid("The PNG file is truncated: it ends before its IEND chunk.");
            }

            long length = BinaryPrimitives.ReadUInt32BigEndian(data[(int)pos..]);
            if (pos + 12 + length > data.Length)
            {
                throw ImageIntakeException.Invalid($"The PNG file is truncated: the chunk at offset {pos} runs past its end.");
            }

            if (data.Slice((int)pos + 4, 4).SequenceEqual("IEND"u8))
            {
                return;
            }

            pos += 12 + length;
        }
    }
}
