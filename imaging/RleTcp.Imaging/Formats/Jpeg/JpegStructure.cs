namespace RleTcp.Imaging.Formats;

/// <summary>
/// The marker structure of a JPEG, walked as libjpeg 6b/turbo (and so Pillow 9.4) walks it, before ImageSharp
/// decodes anything. ImageSharp 2.1.13 differs in three ways this corrects:
/// <list type="bullet">
/// <item>a file cut inside its entropy-coded data, or without EOI, is decoded with the missing blocks filled in;
///   Pillow raises "image file is truncated" (its decoder waits for EOI), so it is refused here;</item>
/// <item>junk bytes between markers make it give up on the scan (a uniform grey image); libjpeg skips them with a
///   warning ("extraneous bytes before marker"), so a copy without them is decoded;</item>
/// <item>an APP14 segment shorter than Adobe's 12 bytes throws NullReferenceException inside it; libjpeg ignores
///   such a segment ("Unknown APP14 marker"), so the copy leaves it out.</item>
/// </list>
/// Before the first scan Pillow 9.4 reads some application segments itself (<c>JpegImagePlugin.APP</c>): a JFIF
/// APP0 or an Adobe APP14 too short for the version field it reads there fails its open ("cannot identify image
/// file"), so those are refused here as Pillow refuses them.
/// The walk is bounded by the data: each step moves forward.
/// </summary>
internal static class JpegStructure
{
    private const int AdobeApp14Length = 12;

    /// <summary>
    /// Checks the structure; returns a copy without the junk bytes and short APP14 segments libjpeg skips, or
    /// null when the file can be decoded as it is.
    /// </summary>
    /// <exception cref="ImageIntakeException">The file ends before EOI: inside a segment or a scan.</exception>
    public static byte[]? Check(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            throw ImageIntakeException.Invalid("The JPEG does not start with an SOI marker.");
        }

        var drop = new List<(int Start, int Length)>();
        int at = 2;
        bool scanned = false;
        while (true)
        {
            // Next marker: anything before its 0xFF is junk; any number of 0xFF fill bytes may precede the code.
            int junkStart = at;
            while (at < data.Length && data[at] != 0xFF)
            {
                at++;
            }

            if (at > junkStart)
            {
                drop.Add((junkStart, at - junkStart));
            }

            int fillStart = at;
            while (at < data.Length && data[at] == 0xFF)
            {
                at++;
            }

            if (at >= data.Length)
            {
                throw Truncated(scanned ? "after a scan, with no EOI marker" : "before its first scan");
            }

            byte marker = data[at];
            int markerStart = at - 1;
            at++;
            if (marker == 0xD9)
            {
                if (!scanned)
                {
                    throw ImageIntakeException.Invalid("The JPEG ends (EOI) before any scan: it holds no image.");
                }

                break;
            }

            if (marker == 0x00)
            {
                // 0xFF 0x00 outside a scan is not a marker: libjpeg discards it with the junk.
                drop.Add((fillStart, at - fillStart));
                continue;
            }

            if (marker is (>= 0xD0 and <= 0xD7) or 0x01)
            {
                continue; // RSTn and TEM stand alone.
            }

            if (at + 2 > data.Length)
            {
                throw Truncated($"inside the length of marker 0x{marker:X2}");
            }

            int length = (data[at] << 8) | data[at + 1];
            if (length < 2)
            {
                throw ImageIntakeException.Invalid($"The JPEG marker 0x{marker:X2} has an impossible length {length}.");
            }

            if ((long)at + length > data.Length)
            {
                throw Truncated($"inside segment 0x{marker:X2}");
            }

            if (!scanned && PillowCannotRead(marker, data.Slice(at + 2, length - 2)) is { } segment)
            {
                throw ImageIntakeException.Invalid(
                    $"The JPEG's {segment} segment is {length - 2} bytes, too short for its version field (Pillow cannot identify the file).");
            }

            if (marker == 0xEE && length - 2 < AdobeApp14Length)
            {
                drop.Add((markerStart, length + 2));
            }

            at += length;
            if (marker == 0xDA)
            {
                scanned = true;
                at = EndOfScan(data, at);
            }
        }

        return drop.Count == 0 ? null : Without(data, drop);
    }

    // Pillow's APP handler reads a 16-bit field at offset 5 of "JFIF" (APP0) and "Adobe" (APP14) segments unguarded:
    // with fewer than 7 bytes it raises (struct.error), and Image.open gives up on the file.
    private static string? PillowCannotRead(byte marker, ReadOnlySpan<byte> segment) => marker switch
    {
        0xE0 when segment.StartsWith("JFIF"u8) && segment.Length < 7 => "JFIF APP0",
        0xEE when segment.StartsWith("Adobe"u8) && segment.Length < 7 => "Adobe APP14",
        _ => null,
    };

    // The entropy-coded data runs to the first 0xFF not followed by 0x00 (a stuffed byte), RSTn or another 0xFF.
    private static int EndOfScan(ReadOnlySpan<byte> data, int at)
    {
        while (true)
        {
            int ff = data[at..].IndexOf((byte)0xFF);
            if (ff < 0)
            {
                throw Truncated("inside its entropy-coded data");
            }

            at += ff;
            int next = at + 1;
            while (next < data.Length && data[next] == 0xFF)
            {
                next++;
            }

            if (next >= data.Length)
            {
                throw Truncated("inside its entropy-coded data");
            }

            byte b = data[next];
            if (b == 0x00 || b is >= 0xD0 and <= 0xD7)
            {
                at = next + 1;
                continue;
            }

            return at;
        }
    }

    private static ImageIntakeException Truncated(string where) =>
        ImageIntakeException.Invalid($"The JPEG image is truncated: the file ends {where} (Pillow: image file is truncated).");

    private static byte[] Without(ReadOnlySpan<byte> data, List<(int Start, int Length)> drop)
    {
        int removed = drop.Sum(d => d.Length);
        byte[] copy = new byte[data.Length - removed];
        int from = 0, to = 0;
        foreach ((int start, int length) in drop)
        {
            data[from..start].CopyTo(copy.AsSpan(to));
            to += start - from;
            from = start + length;
        }

        data[from..].CopyTo(copy.AsSpan(to));
        return copy;
    }
}
