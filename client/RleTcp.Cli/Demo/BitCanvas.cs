using RleTcp.Protocol.Imaging;

namespace RleTcp.Cli.Demo;

/// <summary>A few drawing primitives on a <see cref="BitImage"/> for the demo's generated pictures (not a hot path).</summary>
internal sealed class BitCanvas(BitImage image)
{
    public BitImage Image { get; } = image;

    public void Plot(int x, int y, bool white)
    {
        if ((uint)x < (uint)Image.Width && (uint)y < (uint)Image.Height)
        {
            Image[x, y] = white;
        }
    }

    public void FillRectangle(int x, int y, int width, int height, bool white)
    {
        for (int j = Math.Max(0, y); j < Math.Min(Image.Height, y + height); j++)
        {
            for (int i = Math.Max(0, x); i < Math.Min(Image.Width, x + width); i++)
            {
                Image[i, j] = white;
            }
        }
    }

    public void Rectangle(int x, int y, int width, int height, int thickness, bool white)
    {
        FillRectangle(x, y, width, thickness, white);
        FillRectangle(x, y + height - thickness, width, thickness, white);
        FillRectangle(x, y, thickness, height, white);
        FillRectangle(x + width - thickness, y, thickness, height, white);
    }

    /// <summary>Bresenham's line, drawn with a square pen of <paramref name="thickness"/> pixels.</summary>
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

    /// <summary>A ring between radii <c>radius - thickness</c> and <c>radius</c>.</summary>
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
}
