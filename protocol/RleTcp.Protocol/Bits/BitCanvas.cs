namespace RleTcp.Protocol.Bits;

/// <summary>
/// Clipped drawing on a <see cref="BitImage"/>, for generated pictures (the demo's samples, benchmark inputs, tests):
/// rectangles are filled a word at a time, lines and rings are stamped from them. Drawing outside the image is ignored.
/// </summary>
public sealed class BitCanvas(BitImage image)
{
    /// <summary>The image drawn on.</summary>
    public BitImage Image { get; } = image ?? throw new ArgumentNullException(nameof(image));

    /// <summary>Sets one pixel, if it is inside the image.</summary>
    public void Plot(int x, int y, bool white)
    {
        if ((uint)x < (uint)Image.Width && (uint)y < (uint)Image.Height)
        {
            Image[x, y] = white;
        }
    }

    /// <summary>Fills the rectangle at (<paramref name="x"/>, <paramref name="y"/>), clipped to the image.</summary>
    public void FillRectangle(int x, int y, int width, int height, bool white)
    {
        int x0 = Math.Max(0, x), x1 = Math.Min(Image.Width, x + width);
        int y0 = Math.Max(0, y), y1 = Math.Min(Image.Height, y + height);
        for (int row = y0; row < y1; row++)
        {
            FillSpan(Image.Row(row), x0, x1, white);
        }
    }

    /// <summary>The outline of a rectangle, <paramref name="thickness"/> pixels wide, inside its bounds.</summary>
    public void Frame(int x, int y, int width, int height, int thickness, bool white)
    {
        FillRectangle(x, y, width, thickness, white);
        FillRectangle(x, y + height - thickness, width, thickness, white);
        FillRectangle(x, y, thickness, height, white);
        FillRectangle(x + width - thickness, y, thickness, height, white);
    }

    /// <summary>
    /// Bresenham's line, each step stamping a square pen of <paramref name="thickness"/> pixels centred on the point:
    /// diagonal lines give the short, shifting runs of real scans.
    /// </summary>
    public void Line(int x0, int y0, int x1, int y1, int thickness, bool white)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
        int error = dx + dy;
        while (true)
        {
            FillRectangle(x0 - (thickness / 2), y0 - (thickness / 2), thickness, thickness, white);
            if (x0 == x1 && y0 == y1)
            {
                return;
            }

            int e2 = 2 * error;
            if (e2 >= dy)
            {
                error += dy;
                x0 += sx;
            }

            if (e2 <= dx)
            {
                error += dx;
                y0 += sy;
            }
        }
    }

    /// <summary>A ring between radii <c>radius - thickness</c> and <paramref name="radius"/> around (<paramref name="cx"/>, <paramref name="cy"/>).</summary>
    public void Ring(int cx, int cy, int radius, int thickness, bool white)
    {
        long outer = (long)radius * radius, inner = (long)Math.Max(0, radius - thickness) * Math.Max(0, radius - thickness);
        for (int y = cy - radius; y <= cy + radius; y++)
        {
            for (int x = cx - radius; x <= cx + radius; x++)
            {
                long d = ((long)(x - cx) * (x - cx)) + ((long)(y - cy) * (y - cy));
                if (d <= outer && d >= inner)
                {
                    Plot(x, y, white);
                }
            }
        }
    }

    // Sets or clears pixels x0 .. x1-1 of a row, a word at a time.
    private static void FillSpan(Span<ulong> row, int x0, int x1, bool white)
    {
        for (int x = x0; x < x1;)
        {
            int word = x >> 6;
            int end = Math.Min(x1, (word + 1) << 6);
            ulong mask = (ulong.MaxValue >> (x & 63)) & ~(end - (word << 6) == 64 ? 0UL : ulong.MaxValue >> (end & 63));
            row[word] = white ? row[word] | mask : row[word] & ~mask;
            x = end;
        }
    }
}
