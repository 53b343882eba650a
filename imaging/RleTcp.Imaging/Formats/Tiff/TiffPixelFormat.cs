namespace RleTcp.Imaging.Formats;

/// <summary>How the samples of a TIFF become the 8-bit bands Pillow 9.4 converts (its mode and raw mode).</summary>
internal enum TiffSamples
{
    /// <summary>"1": one bit per pixel (<see cref="Tiff1BitReader"/> reads these).</summary>
    Bilevel,

    /// <summary>"L" (and the grey band of "LA") from 2, 4 or 8 bits: scaled to 0..255 ("L;2", "L;4", "L").</summary>
    Grey,

    /// <summary>"P" (and the index band of "PA") from 1, 2, 4 or 8 bits.</summary>
    Palette,

    /// <summary>"I;16" from 12 or 16 unsigned bits; <c>convert('L')</c> clips to 0..255.</summary>
    Unsigned16,

    /// <summary>"I" from signed 16 or (signed or unsigned, read as signed) 32 bits; clipped to 0..255.</summary>
    Signed,

    /// <summary>"F" from 32-bit floats; clipped to 0..255 and truncated.</summary>
    Float,

    /// <summary>"RGB", "RGBA", "RGBX" from 8 or 16 bits (16: the high byte); alpha may be premultiplied ("RGBa").</summary>
    Rgb,

    /// <summary>"CMYK" from 8 or 16 bits (16: the high byte); converted as Pillow's <c>cmyk2rgb</c>.</summary>
    Cmyk,
}

/// <summary>
/// The sample layout of a TIFF page as Pillow 9.4's <c>TiffImagePlugin.OPEN_INFO</c> maps it: the key (byte order,
/// photometric, sample format, fill order, bits per sample, extra samples) either names a mode, given here by
/// <see cref="Kind"/>, or Pillow refuses the file ("unknown pixel mode").
/// </summary>
/// <param name="Kind">How the samples become bands.</param>
/// <param name="Invert">WhiteIsZero grey of 2, 4 or 8 bits ("L;2I", "L;4I", "L;I"); 16-bit and float are not inverted.</param>
/// <param name="Premultiplied">ExtraSamples 1: "RGBa", Pillow divides the colour by the alpha.</param>
/// <param name="KeptBands">The bands the conversion needs: 1 (grey, index), 3 (RGB), 4 (RGBa, CMYK).</param>
internal readonly record struct TiffPixelFormat(TiffSamples Kind, bool Invert, bool Premultiplied, int KeptBands)
{
    /// <summary>The layout of <paramref name="h"/> in Pillow's table, or null when Pillow has no mode for it.</summary>
    public static TiffPixelFormat? Of(TiffHeader h)
    {
        int photo = h.Photometric, bits = h.BitsPerSample, n = h.SamplesPerPixel, fo = h.FillOrder;
        bool ii = h.LittleEndian;
        TiffExtraSamples extra = h.ExtraSamples;

        // Pillow's "unknown data organization": one BitsPerSample value stands for every sample, more are cut.
        if (h.BitsCount > 1 && h.BitsCount < n)
        {
            return null;
        }

        bool noExtra = extra.Count == 0;
        if (h.SampleFormat == 1 && n == 1 && noExtra && photo is 0 or 1)
        {
            return bits switch
            {
                1 => new(TiffSamples.Bilevel, photo == 0, false, 1),
                2 or 4 or 8 => new(TiffSamples.Grey, photo == 0, false, 1),
                12 when ii && photo == 1 && fo == 1 => new(TiffSamples.Unsigned16, false, false, 1),
                16 when ii && (fo == 1 || photo == 1) => new(TiffSamples.Unsigned16, false, false, 1),
                16 when !ii && photo == 1 && fo == 1 => new(TiffSamples.Unsigned16, false, false, 1),
                32 when ii && photo == 1 && fo == 1 => new(TiffSamples.Signed, false, false, 1),
                _ => null,
            };
        }

        if (n == 1 && noExtra && fo == 1 && h.SampleFormat == 2 && photo == 1 && bits is 16 or 32)
        {
            return new(TiffSamples.Signed, false, false, 1);
        }

        if (n == 1 && noExtra && fo == 1 && h.SampleFormat == 3 && photo is 0 or 1 && bits == 32)
        {
            return new(TiffSamples.Float, false, false, 1);
        }

        if (h.SampleFormat != 1)
        {
            return null;
        }

        bool alphaOnly = extra is { Count: 1, First: 2 };
        return photo switch
        {
            1 when n == 2 && bits == 8 && fo == 1 && alphaOnly => new(TiffSamples.Grey, false, false, 1),
            3 when n == 1 && noExtra && bits is 1 or 2 or 4 or 8 => new(TiffSamples.Palette, false, false, 1),
            3 when n == 2 && bits == 8 && fo == 1 && alphaOnly => new(TiffSamples.Palette, false, false, 1),
            2 => Rgb(n, bits, fo, extra),
            5 when fo == 1 && bits == 8 && extra.Count == n - 4 && (noExtra || (extra.RestZero && extra.First == 0)) =>
                new(TiffSamples.Cmyk, false, false, 4),
            5 when fo == 1 && bits == 16 && ii && n == 4 && noExtra => new(TiffSamples.Cmyk, false, false, 4),
            _ => null,
        };
    }

    /// <summary>
    /// Whether Pillow 9.4's own raw decoder (uncompressed pages) has an unpacker for this page: with FillOrder 2 it
    /// has none for "P;1R", "P;2R", "P;4R", "L;IR"; with PlanarConfiguration 2 it unpacks plane k with the k-th
    /// character of the raw mode, which is no unpacker for "LA", "PA", "RGBa", extra samples of RGBA and CMYK.
    /// </summary>
    public static bool PillowUnpacksUncompressed(TiffHeader h, TiffPixelFormat format)
    {
        if (h.FillOrder == 2 && ((format.Kind == TiffSamples.Palette && h.BitsPerSample < 8) || (format.Kind == TiffSamples.Grey && format.Invert && h.BitsPerSample == 8)))
        {
            return false;
        }

        if (h.PlanarConfiguration != 2 || h.SamplesPerPixel == 1)
        {
            return true;
        }

        TiffExtraSamples extra = h.ExtraSamples;
        return format.Kind switch
        {
            TiffSamples.Rgb => !format.Premultiplied && (extra.Count == 0 || extra.First == 0 || h.SamplesPerPixel == 4),
            TiffSamples.Cmyk => h.SamplesPerPixel == 4,
            _ => false,
        };
    }

    /// <summary>
    /// The layout as Pillow 9.4's libtiff decoder (compressed pages) gives it, or null where that decoder fails. With
    /// PlanarConfiguration 2 it copies as many planes as its mode has bands, fails on strips when the page has more
    /// samples than that (its row-size check), and then treats RGBA whose first extra sample is unspecified or
    /// missing (libtiff defines it as unspecified) as premultiplied ("RGBa").
    /// </summary>
    public TiffPixelFormat? AsLibtiffDecodes(TiffHeader h)
    {
        if (h.PlanarConfiguration != 2 || h.SamplesPerPixel == 1)
        {
            return this;
        }

        int bands = Kind switch
        {
            TiffSamples.Rgb => h.SamplesPerPixel == 3 ? 3 : 4,
            TiffSamples.Cmyk => 4,
            _ => 2,
        };
        if (!h.IsTiled && h.SamplesPerPixel > bands)
        {
            return null;
        }

        bool rgbaMode = Kind == TiffSamples.Rgb && bands == 4 && !(h.ExtraSamples is { Count: > 0, First: 0 });
        return rgbaMode && (h.ExtraSamples.Count == 0 || h.ExtraSamples.First == 1) ? this with { Premultiplied = true, KeptBands = 4 } : this;
    }

    private static TiffPixelFormat? Rgb(int n, int bits, int fo, TiffExtraSamples extra)
    {
        if (n == 3 && extra.Count == 0 && (bits == 8 || (bits == 16 && fo == 1)))
        {
            return new(TiffSamples.Rgb, false, false, 3);
        }

        if (fo != 1 || n < 4 || extra.Count > n - 3 || (extra.Count > 0 && !extra.RestZero))
        {
            return null;
        }

        bool known = bits switch
        {
            // (8,8,8,8) without ExtraSamples or with (0|1|2|999,); 5 and 6 samples with (0|1|2, 0[, 0]).
            8 => (n == 4 && extra.Count == 0) || (extra.Count == n - 3 && (extra.First is 0 or 1 or 2 || (n == 4 && extra.First == 999))),
            16 => n == 4 && (extra.Count == 0 || extra.First is 0 or 1 or 2),
            _ => false,
        };
        return known ? new(TiffSamples.Rgb, false, extra is { Count: > 0, First: 1 }, extra is { Count: > 0, First: 1 } ? 4 : 3) : null;
    }
}
