using RleTcp.Protocol.Bits;

namespace RleTcp.Tests;

/// <summary>The one bit reversal (<see cref="BitReversal"/>) the codecs and the TIFF readers share.</summary>
[Trait("Category", "Unit")]
public class BitReversalTests
{
    [Fact]
    public void TheTableReversesEveryByteBitByBit()
    {
        for (int b = 0; b < 256; b++)
        {
            Assert.Equal(ReverseBitByBit((byte)b), BitReversal.Table[b]);
        }
    }

    [Fact]
    public void SpansOfEveryLengthAndAlignmentAreReversedByteByByteInPlaceAndCopied()
    {
        var random = new Random(14);
        byte[] data = new byte[64];
        random.NextBytes(data);
        for (int start = 0; start < 8; start++)
        {
            for (int length = 0; length <= 40; length++)
            {
                ReadOnlySpan<byte> source = data.AsSpan(start, length);
                byte[] expected = source.ToArray().Select(ReverseBitByBit).ToArray();

                byte[] copied = new byte[length + 3];
                BitReversal.Reverse(source, copied.AsSpan(3));
                byte[] inPlace = source.ToArray();
                BitReversal.Reverse(inPlace);

                Assert.Equal(expected, copied[3..]);
                Assert.Equal(expected, inPlace);
            }
        }
    }

    [Fact]
    public void ReversingAWordLeavesItsByteOrderAlone()
    {
        Assert.Equal(0x80C0F00F_08040201UL, BitReversal.InBytes(0x01030FF0_10204080UL));
    }

    private static byte ReverseBitByBit(byte b)
    {
        int r = 0;
        for (int i = 0; i < 8; i++)
        {
            r |= ((b >> i) & 1) << (7 - i);
        }

        return (byte)r;
    }
}
