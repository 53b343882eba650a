using System.Buffers.Binary;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// The RIFF structure of a WebP, checked as libwebp 1.2's demuxer (behind Pillow 9.4's WebPAnimDecoder) checks it,
/// before ImageSharp decodes anything. ImageSharp 2.1.13 decodes a cut file with the missing pixels left empty and
/// believes a VP8X canvas that disagrees with the bitstream; libwebp refuses both ("could not create decoder
/// object"), and so does this. An animated WebP, which ImageSharp 2.1.13 does not read, becomes its first frame as a
/// still file when that frame covers the canvas (Pillow composites it onto a transparent canvas: the same pixels).
/// </summary>
internal static class WebpStructure
{
    private const int AnimationFlag = 0x02, AlphaFlag = 0x10;

    /// <summary>Checks the file; returns the still file ImageSharp should decode instead, or null for the file itself.</summary>
    public static byte[]? Check(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12 || !data[..4].SequenceEqual("RIFF"u8) || !data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            throw ImageIntakeException.Invalid("The WebP file does not start with a RIFF WEBP header.");
        }

        long riffEnd = 8L + BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (riffEnd > data.Length)
        {
            throw ImageIntakeException.Invalid(
                $"The WebP file is truncated: its RIFF header declares {riffEnd} bytes, the file has {data.Length}.");
        }

        ReadOnlySpan<byte> body = data[12..(int)riffEnd];
        string first = Chunk(body, 0, out ReadOnlySpan<byte> payload, out int next);
        if (first != "VP8X")
        {
            Dimensions(first, payload);
            return null;
        }

        if (payload.Length < 10)
        {
            throw ImageIntakeException.Invalid("The WebP VP8X chunk is shorter than its 10 bytes.");
        }

        int flags = payload[0];
        long canvasWidth = U24(payload, 4) + 1, canvasHeight = U24(payload, 7) + 1;
        for (int at = next; at < body.Length;)
        {
            string fourcc = Chunk(body, at, out ReadOnlySpan<byte> chunk, out int after);
            if ((flags & AnimationFlag) != 0 && fourcc == "ANMF")
            {
                return FirstFrame(chunk, canvasWidth, canvasHeight);
            }

            if ((flags & AnimationFlag) == 0 && fourcc is "VP8 " or "VP8L")
            {
                (int width, int height) = Dimensions(fourcc, chunk);
                if (width != canvasWidth || height != canvasHeight)
                {
                    throw ImageIntakeException.Invalid(
                        $"The WebP VP8X canvas is {canvasWidth}x{canvasHeight} but its bitstream is {width}x{height}.");
                }

                return null;
            }

            at = after;
        }

        throw ImageIntakeException.Invalid((flags & AnimationFlag) != 0
            ? "The animated WebP has no frame (ANMF chunk)."
            : "The WebP has no image data (VP8 or VP8L chunk).");
    }

    // ANMF: X/2, Y/2, width - 1, height - 1 (24 bits each), duration (24), flags (8), then ALPH? and VP8/VP8L.
    private static byte[] FirstFrame(ReadOnlySpan<byte> frame, long canvasWidth, long canvasHeight)
    {
        if (frame.Length < 16)
        {
            throw ImageIntakeException.Invalid("The animated WebP's first frame header is truncated.");
        }

        long x = U24(frame, 0) * 2, y = U24(frame, 3) * 2, width = U24(frame, 6) + 1, height = U24(frame, 9) + 1;
        ReadOnlySpan<byte> chunks = frame[16..];
        int alphaAt = -1, imageAt = -1, imageEnd = 0;
        for (int at = 0; at < chunks.Length;)
        {
            string fourcc = Chunk(chunks, at, out ReadOnlySpan<byte> chunk, out int after);
            if (fourcc == "ALPH" && alphaAt < 0)
            {
                alphaAt = at;
            }
            else if (fourcc is "VP8 " or "VP8L")
            {
                (int w, int h) = Dimensions(fourcc, chunk);
                if (w != width || h != height)
                {
                    throw ImageIntakeException.Invalid($"The animated WebP's first frame is {width}x{height} but its bitstream is {w}x{h}.");
                }

                imageAt = at;
                imageEnd = after;
                break;
            }

            at = after;
        }

        if (imageAt < 0)
        {
            throw ImageIntakeException.Invalid("The animated WebP's first frame has no image data.");
        }

        if (x != 0 || y != 0 || width != canvasWidth || height != canvasHeight)
        {
            throw ImageIntakeException.Invalid(
                $"The animated WebP's first frame ({width}x{height} at {x},{y}) does not cover its {canvasWidth}x{canvasHeight} canvas; only frames that do are read.");
        }

        // A still file: RIFF, WEBP, a VP8X (alpha flag, the canvas) when there is an ALPH chunk, then the frame's chunks.
        int start = alphaAt >= 0 ? alphaAt : imageAt;
        ReadOnlySpan<byte> image = chunks[start..imageEnd];
        bool extended = alphaAt >= 0;
        int size = 4 + (extended ? 18 : 0) + image.Length;
        byte[] still = new byte[8 + size];
        "RIFF"u8.CopyTo(still);
        BinaryPrimitives.WriteUInt32LittleEndian(still.AsSpan(4), (uint)size);
        "WEBP"u8.CopyTo(still.AsSpan(8));
        int to = 12;
        if (extended)
        {
            "VP8X"u8.CopyTo(still.AsSpan(to));
            BinaryPrimitives.WriteUInt32LittleEndian(still.AsSpan(to + 4), 10);
            still[to + 8] = AlphaFlag;
            WriteU24(still.AsSpan(to + 12), canvasWidth - 1);
            WriteU24(still.AsSpan(to + 15), canvasHeight - 1);
            to += 18;
        }

        image.CopyTo(still.AsSpan(to));
        return still;
    }

    // One chunk at `at`: its FourCC, payload, and where the next one starts (payloads are padded to even sizes).
    private static string Chunk(ReadOnlySpan<byte> body, int at, out ReadOnlySpan<byte> payload, out int next)
    {
        if (at + 8 > body.Length)
        {
            throw ImageIntakeException.Invalid("The WebP file is truncated: a chunk header runs past the RIFF data.");
        }

        string fourcc = System.Text.Encoding.ASCII.GetString(body.Slice(at, 4));
        long size = BinaryPrimitives.ReadUInt32LittleEndian(body[(at + 4)..]);
        if (at + 8 + size > body.Length)
        {
            throw ImageIntakeException.Invalid(
                $"The WebP file is truncated: its {fourcc.Trim()} chunk declares {size} bytes, {body.Length - at - 8} are left.");
        }

        next = (int)Math.Min(body.Length, at + 8 + size + (size & 1));
        payload = body.Slice(at + 8, (int)size);
        return fourcc;
    }

    // The size a VP8 (lossy key frame) or VP8L (lossless) bitstream declares.
    private static (int Width, int Height) Dimensions(string fourcc, ReadOnlySpan<byte> chunk)
    {
        if (fourcc == "VP8L")
        {
            if (chunk.Length < 5 || chunk[0] != 0x2F)
            {
                throw ImageIntakeException.Invalid("The WebP lossless bitstream header is malformed.");
            }

            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(chunk[1..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        if (fourcc == "VP8 ")
        {
            if (chunk.Length < 10 || chunk[3] != 0x9D || chunk[4] != 0x01 || chunk[5] != 0x2A)
            {
                throw ImageIntakeException.Invalid("The WebP lossy bitstream header is malformed (not a key frame).");
            }

            return (BinaryPrimitives.ReadUInt16LittleEndian(chunk[6..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(chunk[8..]) & 0x3FFF);
        }

        throw ImageIntakeException.Invalid($"The WebP's first chunk is {fourcc.Trim()}, not VP8, VP8L or VP8X.");
    }

    private static long U24(ReadOnlySpan<byte> d, int at) => d[at] | (d[at + 1] << 8) | (d[at + 2] << 16);

    private static void WriteU24(Span<byte> d, long value)
    {
        d[0] = (byte)value;
        d[1] = (byte)(value >> 8);
        d[2] = (byte)(value >> 16);
    }
}
