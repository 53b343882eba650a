using System.Buffers.Binary;
using RleTcp.Imaging;
using RleTcp.Imaging.Formats;

namespace RleTcp.Tests.Imaging;

/// <summary>INFO's TIFF page count comes from the same directory walk the reader seeks pages with.</summary>
[Trait("Category", "Unit")]
public class TiffPageCountTests
{
    [Fact]
    public void ADirectoryCutByTheEndOfTheFileIsAPageAndTheLastOne()
    {
        byte[] tiff = TwoDirectoriesTheSecondCut();

        Assert.Equal(2, TiffDirectory.CountPages(tiff));
        var ex = Assert.Throws<ImageIntakeException>(() => TiffDirectory.Read(tiff, 2));
        Assert.Contains("has 2 pages", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AChainThatLoopsBackEndsAtTheFirstRepeatedDirectory()
    {
        byte[] tiff = TwoDirectoriesTheSecondCut();
        // Make the second directory whole (one entry) and point its next offset back at the first.
        Array.Resize(ref tiff, 26 + 2 + 12 + 4);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(26), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(26 + 2 + 12), 8);

        Assert.Equal(2, TiffDirectory.CountPages(tiff));
    }

    // "II*\0", directory 0 at 8 (one entry, next at 26), directory 1 at 26 declaring 5 entries of which one is there.
    private static byte[] TwoDirectoriesTheSecondCut()
    {
        var tiff = new byte[26 + 2 + 12];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        WriteDirectory(tiff, 8, entries: 1, next: 26);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(26), 5);
        WriteEntry(tiff, 28);
        return tiff;
    }

    private static void WriteDirectory(byte[] tiff, int at, ushort entries, uint next)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at), entries);
        WriteEntry(tiff, at + 2);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at + 2 + 12), next);
    }

    // ImageWidth (256), SHORT, 1 value: 1.
    private static void WriteEntry(byte[] tiff, int at)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at), 256);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at + 2), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at + 4), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at + 8), 1);
    }
}
