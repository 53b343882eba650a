using System.Buffers.Binary;
using RleTcp.Protocol.Bits;
using RleTcp.Protocol.Codecs;
using RleTcp.Protocol.Codecs.G4;
using RleTcp.Protocol.Codecs.Jbig2;

namespace RleTcp.Fuzz;

/// <summary>
/// The oracle of the codec decoder targets: only <see cref="BilevelFormatException"/> may escape, and the memory
/// allocated stays within the pixel budget (a compressed format may describe a large image in few bytes, so the
/// bound is the budget's bitmap, not the input's size).
/// </summary>
internal static class CodecDecoderOracle
{
    /// <summary>The pixel budget the targets decode with (a 1024x1024 page).</summary>
    public const long MaxPixels = 1 << 20;

    /// <summary>What a decode may allocate: twice the budget's bitmap, 16 B per input byte and 256 KiB of tables.</summary>
    public static long Limit(int inputLength) => (2 * MaxPixels / 8) + (16L * inputLength) + (256 * 1024);

    public static void Run(byte[] input, Func<byte[], BitImage> decode)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            using BitImage image = decode(input);
            if (image.PixelCount > MaxPixels)
            {
                throw new AmplificationException($"a {image.Width}x{image.Height} image came out of a decode with a budget of {MaxPixels} pixels");
            }
        }
        catch (BilevelFormatException)
        {
            // The documented refusal.
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > Limit(input.Length))
        {
            throw new AmplificationException($"{input.Length} input bytes made the decoder allocate {allocated} bytes (limit {Limit(input.Length)}).");
        }
    }
}

/// <summary>
/// <see cref="G4Decoder"/> on arbitrary bytes: bytes 0-1 (u16 LE) choose the width (1..4096), the rest is the T.6
/// stream, decoded to its EOFB.
/// </summary>
internal sealed class G4DecoderTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "g4-decoder";

    /// <inheritdoc/>
    public string Asserts =>
        $"G4Decoder.Decode (width from bytes 0-1) throws only BilevelFormatException, and allocates at most the {CodecDecoderOracle.MaxPixels}-pixel budget's bitmap twice + 16 B per input byte + 256 KiB";

    /// <inheritdoc/>
    public void Run(byte[] input)
    {
        if (input.Length < 2)
        {
            return;
        }

        int width = 1 + (BinaryPrimitives.ReadUInt16LittleEndian(input) % 4096);
        CodecDecoderOracle.Run(input, data => G4Codec.Instance.Decode(data.AsSpan(2), width, CodecDecoderOracle.MaxPixels));
    }
}

/// <summary><see cref="Jbig2Codec.Decode"/> (a standalone JBIG2 file: segments, MQ decoder, generic region) on arbitrary bytes.</summary>
internal sealed class Jbig2DecoderTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "jbig2-decoder";

    /// <inheritdoc/>
    public string Asserts =>
        $"Jbig2Codec.Decode throws only BilevelFormatException, and allocates at most the {CodecDecoderOracle.MaxPixels}-pixel budget's bitmap twice + 16 B per input byte + 256 KiB";

    /// <inheritdoc/>
    public void Run(byte[] input) =>
        CodecDecoderOracle.Run(input, data => Jbig2Codec.Instance.Decode(data, CodecDecoderOracle.MaxPixels));
}
