using RleTcp.Protocol.Bits;
using RleTcp.Imaging;

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
        var canvas = new BitCanvas(image);

        int margin = width / 24;
        canvas.Frame(margin / 2, margin / 2, width - margin, height - margin, thickness: 8, white: false);

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

    private static void DrawText(BitCanvas canvas, Random random, ushort[][] glyphs, int left, int top, int width, int height)
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

    private static void DrawGlyph(BitCanvas canvas, ushort[] glyph, int x, int y)
    {
        for (int r = 0; r < GlyphRows; r++)
        {
            ushort bits = glyph[r];
            for (int c = 0; c < GlyphColumns; c++)
            {
                if ((bits & (1 << c)) != 0)
                {
                    canvas.FillRectangle(x + (c * DotWidth), y + (r * DotHeight), DotWidth, DotHeight, white: false);
                }
            }
        }
    }

    private static void DrawFigures(BitCanvas canvas, Random random, int left, int top, int width, int height)
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
                canvas.Frame(x0, y0, w, h, thickness: 4, white: false);
                DrawFigure(canvas, random, x0 + 20, y0 + 20, w - 40, h - 40);
            }
        }
    }

    private static void DrawFigure(BitCanvas canvas, Random random, int left, int top, int width, int height)
    {
        for (int i = 0; i < 12; i++)
        {
            int x = left + random.Next(width - 40), y = top + random.Next(height - 40);
            int w = 20 + random.Next(Math.Min(400, left + width - x - 20));
            int h = 20 + random.Next(Math.Min(300, top + height - y - 20));
            switch (random.Next(5))
            {
                case 0:
                    canvas.FillRectangle(x, y, w, h, white: false); // a solid block (a filled symbol or a redaction)
                    break;
                case 1:
                    canvas.FillRectangle(x, y, w, 2 + random.Next(4), white: false); // a horizontal rule
                    break;
                case 2:
                    canvas.FillRectangle(x, y, 2 + random.Next(4), h, white: false); // a vertical rule
                    break;
                default:
                    canvas.Frame(x, y, w, h, thickness: 1 + random.Next(3), white: false);
                    break;
            }
        }

        for (int i = 0; i < 10; i++)
        {
            Stroke(
                canvas,
                left + random.Next(width), top + random.Next(height),
                left + random.Next(width), top + random.Next(height),
                thickness: 1 + random.Next(3));
        }
    }

    // The pen of BitCanvas.Line is centred on the point; this page's lines were drawn with the pen's corner on it.
    private static void Stroke(BitCanvas canvas, int x0, int y0, int x1, int y1, int thickness)
    {
        int half = thickness / 2;
        canvas.Line(x0 + half, y0 + half, x1 + half, y1 + half, thickness, white: false);
    }
}
