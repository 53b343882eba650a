using CsCheck;

using RleTcp.Imaging;
using RleTcp.Imaging.Formats;
using RleTcp.Protocol.Bits;

namespace RleTcp.Tests.Imaging;

/// <summary>
/// PNG image data inflated by libdeflate in one call (<see cref="PngInflate"/>) and by the managed <c>ZLibStream</c>
/// fallback (<see cref="IntakeOptions.ManagedInflate"/>): the same pixels, the same refusals with the same messages.
/// </summary>
[Trait("Category", "Unit")]
public class PngInflateTests
{
    private static readonly IntakeOptions Managed = IntakeOptions.Default with { ManagedInflate = true };

    [Fact]
    public void Libdeflate_is_installed_so_png_inflates_natively()
    {
        // Never skipped: a machine without it would only test the fallback (.ci/run and the Dockerfile install it).
        Assert.True(PngInflate.IsNative, $"{LibDeflate.Library} is missing: install Debian's libdeflate0 (.ci/run does).");
        byte[] file = GreyPng(40, 9, seed: 1, filter: 4);
        Assert.NotNull(Inflated(file));
    }

    [Fact]
    public void Grey_and_colour_pages_decode_to_the_same_bits_on_both_paths()
    {
        // Every filter type, in runs long and short enough to exercise the four-row Paeth groups and the rows between,
        // widths below the wavefront's lag and heights that are no multiple of a group or a block.
        Gen<(int Width, int Height, byte ColorType, byte BitDepth, byte[] Filters, int Seed)> pages =
            from width in Gen.Int[1, 70]
            from height in Gen.Int[1, 23]
            from layout in Gen.OneOfConst(((byte)0, (byte)8), ((byte)0, (byte)16), ((byte)2, (byte)8), ((byte)4, (byte)8), ((byte)6, (byte)8))
            from filters in Gen.Byte[0, 4].Array[height]
            from seed in Gen.Int
            select (width, height, layout.Item1, layout.Item2, filters, seed);
        pages.Sample(p =>
        {
            byte[] file = HandBuiltFiles.Png(p.Width, p.Height, p.BitDepth, p.ColorType, Scanlines(p.Width, p.Height, p.ColorType, p.BitDepth, p.Filters, p.Seed));
            using BitImage native = ImageIntake.Decode(file, IntakeOptions.Default);
            using BitImage managed = ImageIntake.Decode(file, Managed);
            Assert.True(native.Equals(managed), $"{p.Width}x{p.Height} colour type {p.ColorType}/{p.BitDepth}: the paths differ.");
        }, iter: 400);
    }

    [Theory]
    [InlineData("cut short")]
    [InlineData("corrupt")]
    public void Broken_zlib_data_is_refused_with_the_same_message_on_both_paths(string how)
    {
        byte[] whole = GreyPng(300, 200, seed: 2, filter: 4);
        byte[] file = how == "corrupt" ? HandBuiltFiles.WithIdatCorrupted(whole) : HandBuiltFiles.WithIdatCutShort(whole);

        Assert.Null(Inflated(file));
        string native = Refusal(file, IntakeOptions.Default), managed = Refusal(file, Managed);
        Assert.Equal(managed, native);
        Assert.StartsWith("The PNG image data ", native, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_longer_than_the_image_decodes_as_the_managed_path_decodes_it()
    {
        // Pillow (and ZLibStream) stop at the last scanline; libdeflate would need room for the rest, so it defers.
        byte[] rows = Scanlines(20, 6, 0, 8, [1, 2, 3, 4, 0, 4], seed: 4);
        byte[] file = HandBuiltFiles.Png(20, 6, 8, 0, [.. rows, .. new byte[21 * 3]]);

        Assert.Null(Inflated(file));
        using BitImage native = ImageIntake.Decode(file, IntakeOptions.Default);
        using BitImage managed = ImageIntake.Decode(file, Managed);
        Assert.True(native.Equals(managed));
    }

    private static string Refusal(byte[] file, IntakeOptions options)
    {
        var ex = Assert.Throws<ImageIntakeException>(() => ImageIntake.Decode(file, options).Dispose());
        Assert.Equal(ImageIntakeError.InvalidImage, ex.Error);
        return ex.Message;
    }

    // What PngInflate makes of the file's image data: whether the native path took it.
    private static byte[]? Inflated(byte[] file)
    {
        PngHeader header = PngHeader.Read(file)!.Value;
        var idat = new List<ReadOnlyMemory<byte>>();
        PngChunks.Read(file, idat);
        byte[]? inflated = PngInflate.Whole(idat, header);
        if (inflated is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(inflated);
        }

        return inflated;
    }

    private static byte[] GreyPng(int width, int height, int seed, byte filter)
    {
        var filters = new byte[height];
        Array.Fill(filters, filter);
        return HandBuiltFiles.Png(width, height, 8, 0, Scanlines(width, height, 0, 8, filters, seed));
    }

    // Random samples, each row behind its filter byte (the residuals are random too: any bytes are valid residuals).
    private static byte[] Scanlines(int width, int height, byte colorType, byte bitDepth, byte[] filters, int seed)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, _ => 4 };
        int rowBytes = width * channels * (bitDepth / 8);
        var random = new Random(seed);
        var data = new byte[(rowBytes + 1) * height];
        random.NextBytes(data);
        for (int y = 0; y < height; y++)
        {
            data[y * (rowBytes + 1)] = filters[y];
        }

        return data;
    }
}
