using RleTcp.Protocol.Imaging;

namespace RleTcp.Benchmarks.Images;

/// <summary>
/// Draws a deterministic line-art/text page: a white sheet with a frame, two columns of glyph-like text, boxed
/// drawings (rectangles, horizontal, vertical and diagonal lines) and a few solid blocks. The same seed always gives
/// the same pixels, so figures from different runs and machines describe the same input.
/// </summary>
/// <remarks>
/// The mix is meant to look like a 300-dpi scan of a technical document: long white runs, short black runs inside
/// glyphs, and full-width lines. Drawing is done with row spans (word masks), so a 7200x5600 page takes well under
/// a second to make.
/// </remarks>
public static class LineArtGenerator
{
    private const int GlyphColumns = 5;
    private const int GlyphRows = 7;
    private const int DotWidth = 4;
    private const int DotHeight = 5;
    private const int GlyphAdvance = (GlyphColumns * DotWidth) + 6;
    private const int LineAdvance = (GlyphRows * DotHeight) + 22;

    /// <summary>Draws a page of <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public static BitImage Create(int width = 7200, int height = 5600, int seed = 7200_5600)
    {
        var random = new Random(seed);
        var image = new BitImage(width, height);
        image.Fill(white: true);
        var canvas = new Canvas(image);

        int margin = width / 24;
        canvas.Frame(margin / 2, margin / 2, width - margin, height - margin, thickness: 8);

        ushort[][] glyphs = MakeGlyphs(random, count: 80);
        int textBottom = (height * 11) / 20;
        int gutter = width / 30;
        int columnWidth = (width - (2 * margin) - gutter) / 2;
        DrawText(canvas, random, glyphs, margin, margin, columnWidth, textBottom - margin);
        DrawText(canvas, random, glyphs, margin + columnWidth + gutter, margin, columnWidth, textBottom - margin);

        DrawFigures(canvas, random, margin, textBottom + 40, width - (2 * margin), height - margin - textBottom - 40);
        return image;
    }

    // 5x7 dot patterns, each dot a bit of a ushort row mask; about half the dots set, like real letters.
    private static ushort[][] MakeGlyphs(Random random, int count)
    {
        var glyphs = new ushort[count][];
        for (int g = 0; g < count; g++)
        {
            glyphs[g] = new ushort[GlyphRows];
            for (int r = 0; r < GlyphRows; r++)
            {
                glyphs[g][r] = (ushort)random.Next(1 << GlyphColumns);
            }
        }

        return glyphs;
    }

    private static void DrawText(Canvas canvas, Random random, ushort[][] glyphs, int left, int top, int width, int height)
    {
        for (int y = top; y + LineAdvance <= top + height; y += LineAdvance)
        {
            // Paragraph breaks: now and then a blank line.
            if (random.Next(12) == 0)
            {
                continue;
            }

            int lineEnd = left + width - (random.Next(8) == 0 ? random.Next(width / 2) : 0);
            int x = left;
            while (x < lineEnd)
            {
                int letters = random.Next(2, 10);
                if (x + (letters * GlyphAdvance) > lineEnd)
                {
                    break;
                }

                for (int i = 0; i < letters; i++, x += GlyphAdvance)
                {
                    DrawGlyph(canvas, glyphs[random.Next(glyphs.Length)], x, y);
                }

                x += GlyphAdvance; // the space between words
            }
        }
    }

    private static void DrawGlyph(Canvas canvas, ushort[] glyph, int x, int y)
    {
        for (int r = 0; r < GlyphRows; r++)
        {
            ushort bits = glyph[r];
            for (int c = 0; c < GlyphColumns; c++)
            {
                if ((bits & (1 << c)) != 0)
                {
                    canvas.Rectangle(x + (c * DotWidth), y + (r * DotHeight), DotWidth, DotHeight, white: false);
                }
            }
        }
    }

    private static void DrawFigures(Canvas canvas, Random random, int left, int top, int width, int height)
    {
        // A grid of boxed drawings, like figures in a manual.
        const int columns = 4, rows = 2;
        int cellWidth = width / columns, cellHeight = height / rows;
        for (int row = 0; row < rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                int x0 = left + (column * cellWidth) + 20, y0 = top + (row * cellHeight) + 20;
                int w = cellWidth - 40, h = cellHeight - 40;
                canvas.Frame(x0, y0, w, h, thickness: 4);
                DrawFigure(canvas, random, x0 + 20, y0 + 20, w - 40, h - 40);
            }
        }
    }

    private static void DrawFigure(Canvas canvas, Random random, int left, int top, int width, int height)
    {
        for (int i = 0; i < 12; i++)
        {
            int x = left + random.Next(width - 40), y = top + random.Next(height - 40);
            int w = 20 + random.Next(Math.Min(400, left + width - x - 20));
            int h = 20 + random.Next(Math.Min(300, top + height - y - 20));
            switch (random.Next(5))
            {
                case 0:
                    canvas.Rectangle(x, y, w, h, white: false); // a solid block (a filled symbol or a redaction)
                    break;
                case 1:
                    canvas.Rectangle(x, y, w, 2 + random.Next(4), white: false); // a horizontal rule
                    break;
                case 2:
                    canvas.Rectangle(x, y, 2 + random.Next(4), h, white: false); // a vertical rule
                    break;
                default:
                    canvas.Frame(x, y, w, h, thickness: 1 + random.Next(3));
                    break;
            }
        }

        for (int i = 0; i < 10; i++)
        {
            canvas.Line(
                left + random.Next(width), top + random.Next(height),
                left + random.Next(width), top + random.Next(height),
                thickness: 1 + random.Next(3));
        }
    }

    /// <summary>Clipped drawing on a bit image with row spans.</summary>
    private readonly struct Canvas(BitImage image)
    {
        public void Rectangle(int x, int y, int width, int height, bool white)
        {
            int x0 = Math.Max(0, x), x1 = Math.Min(image.Width, x + width);
            int y0 = Math.Max(0, y), y1 = Math.Min(image.Height, y + height);
            for (int row = y0; row < y1; row++)
            {
                Span(image.Row(row), x0, x1, white);
            }
        }

        public void Frame(int x, int y, int width, int height, int thickness)
        {
            Rectangle(x, y, width, thickness, white: false);
            Rectangle(x, y + height - thickness, width, thickness, white: false);
            Rectangle(x, y, thickness, height, white: false);
            Rectangle(x + width - thickness, y, thickness, height, white: false);
        }

        // Bresenham, each step stamping a small square: diagonal lines give the short, shifting runs of real scans.
        public void Line(int x0, int y0, int x1, int y1, int thickness)
        {
            int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0);
            int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
            int error = dx + dy;
            while (true)
            {
                Rectangle(x0, y0, thickness, thickness, white: false);
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

        // Sets or clears pixels x0 .. x1-1 of a row, a word at a time.
        private static void Span(Span<ulong> row, int x0, int x1, bool white)
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
}
