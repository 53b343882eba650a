using System.Buffers.Binary;

using RleTcp.Imaging;
using RleTcp.Imaging.Formats;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// A JPEG-in-TIFF page that goes to ImageSharp must hold a JPEG stream in every strip: ImageSharp 2.1.13 loads a
/// strip with <c>Image.Load</c>, which takes any format, and a strip that was the TIFF itself recursed until the decode
/// worker's stack overflowed (a library fuzz target finding). The header check refuses it before any decoder runs.
/// </summary>
[Trait("Category", "Unit")]
public class TiffJpegStripTests
{
    [Fact]
    public void AJpegCompressedStripThatIsNotAJpegStreamIsRefusedBeforeAnyDecoderRuns()
    {
        // WhiteIsZero JPEG-in-TIFF (a layout our JPEG strip reader leaves to ImageSharp) whose one strip is the file itself.
        byte[] file = JpegTiffWithStripAt(stripOffset: 0);

        ImageIntakeException refusal = Assert.Throws<ImageIntakeException>(() => TiffIntake.ReadHeader(file, IntakeOptions.Default));

        Assert.Equal(ImageIntakeError.InvalidImage, refusal.Error);
        Assert.Contains("does not start with a JPEG stream", refusal.Message, StringComparison.Ordinal);
    }

    private static byte[] JpegTiffWithStripAt(int stripOffset)
    {
        const int Width = 8, Height = 8;
        (int Tag, int Value)[] tags =
            [(256, Width), (257, Height), (258, 8), (259, 7), (262, 0), (273, stripOffset), (277, 1), (278, Height), (279, 0)];
        byte[] file = new byte[8 + 2 + (tags.Length * 12) + 4];
        tags[^1] = (279, file.Length);
        "II*\0"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)tags.Length);
        for (int i = 0; i < tags.Length; i++)
        {
            Span<byte> entry = file.AsSpan(10 + (i * 12), 12);
            BinaryPrimitives.WriteUInt16LittleEndian(entry, (ushort)tags[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 1);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], (uint)tags[i].Value);
        }

        return file;
    }
}
