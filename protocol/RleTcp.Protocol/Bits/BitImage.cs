using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RleTcp.Protocol.Bits;

/// <summary>
/// A packed 1-bit image: <c>true</c> (bit set) is white, <c>false</c> is black, as in the RLE format.
/// </summary>
/// <remarks>
/// Each row is <see cref="WordsPerRow"/> 64-bit words. Pixel <c>x</c> is bit <c>63 - (x % 64)</c> of word
/// <c>x / 64</c>, so the leftmost pixel is the most significant bit: a row of MSB-first bytes (PNG, BMP, PBM)
/// maps onto words with one big-endian load, and runs are found with leading-zero counts. Bits past
/// <see cref="Width"/> in the last word of a row are always zero, so rows compare word by word.
/// An image made with <see cref="CreatePooled"/> rents its words from <see cref="ArrayPool{T}.Shared"/> and
/// returns them on <see cref="Dispose"/>; any other image is garbage-collected as usual.
/// </remarks>
public sealed class BitImage : IEquatable<BitImage>, IDisposable
{
    /// <summary>The largest width or height the RLE format's u16 header can carry.</summary>
    public const int MaxDimension = ushort.MaxValue;

    private ulong[] _words;
    private readonly bool _pooled;

    private BitImage(int width, int height, ulong[] words, bool pooled)
    {
        Width = width;
        Height = height;
        WordsPerRow = WordsFor(width);
        _words = words;
        _pooled = pooled;
    }

    /// <summary>Creates an all-black image.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Width or height is not in 1..65535.</exception>
    public BitImage(int width, int height)
        : this(width, height, new ulong[CheckedWordCount(width, height)], pooled: false)
    {
    }

    /// <summary>
    /// Creates an all-black image whose storage is rented from the shared pool; call <see cref="Dispose"/> to return it.
    /// </summary>
    public static BitImage CreatePooled(int width, int height)
    {
        int count = CheckedWordCount(width, height);
        ulong[] words = ArrayPool<ulong>.Shared.Rent(count);
        Array.Clear(words, 0, count);
        return new BitImage(width, height, words, pooled: true);
    }

    /// <summary>Width in pixels (1..65535).</summary>
    public int Width { get; }

    /// <summary>Height in pixels (1..65535).</summary>
    public int Height { get; }

    /// <summary>Number of 64-bit words in each row: <c>ceil(Width / 64)</c>.</summary>
    public int WordsPerRow { get; }

    /// <summary>Number of pixels, <c>Width * Height</c>.</summary>
    public long PixelCount => (long)Width * Height;

    /// <summary>All rows, top to bottom, <see cref="WordsPerRow"/> words each.</summary>
    public Span<ulong> Words => _words.AsSpan(0, WordsPerRow * Height);

    /// <summary>The mask of the bits of the last word of a row that hold pixels.</summary>
    public ulong LastWordMask => LastWordMaskFor(Width);

    /// <summary>The words of row <paramref name="y"/>.</summary>
    public Span<ulong> Row(int y)
    {
        if ((uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(y));
        }

        return _words.AsSpan(y * WordsPerRow, WordsPerRow);
    }

    /// <summary>Gets or sets pixel (<paramref name="x"/>, <paramref name="y"/>); <c>true</c> is white.</summary>
    public bool this[int x, int y]
    {
        get
        {
            CheckPixel(x, y);
            return (_words[(y * WordsPerRow) + (x >> 6)] & BitFor(x)) != 0;
        }
        set
        {
            CheckPixel(x, y);
            ref ulong word = ref _words[(y * WordsPerRow) + (x >> 6)];
            word = value ? word | BitFor(x) : word & ~BitFor(x);
        }
    }

    /// <summary>Sets every pixel to white (<c>true</c>) or black.</summary>
    public void Fill(bool white)
    {
        if (!white)
        {
            Words.Clear();
            return;
        }

        ulong mask = LastWordMask;
        for (int y = 0; y < Height; y++)
        {
            Span<ulong> row = Row(y);
            row.Fill(ulong.MaxValue);
            row[^1] = mask;
        }
    }

    /// <summary>Swaps black and white in place; the padding bits past the width stay zero.</summary>
    public void Invert()
    {
        ulong mask = LastWordMask;
        for (int y = 0; y < Height; y++)
        {
            Span<ulong> row = Row(y);
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = ~row[i];
            }

            row[^1] &= mask;
        }
    }

    /// <summary>
    /// Builds an image from packed rows of <paramref name="sourceStride"/> bytes each (at least <c>ceil(width / 8)</c>).
    /// With <paramref name="invert"/>, a set bit in the source is black (as in PBM). Padding bits are ignored.
    /// </summary>
    public static BitImage FromPackedRows(
        ReadOnlySpan<byte> source, int width, int height, int sourceStride, BitOrder order, bool invert = false)
    {
        var image = new BitImage(width, height);
        image.CopyFromPackedRows(source, sourceStride, order, invert);
        return image;
    }

    /// <summary>Overwrites every row from packed source rows; see <see cref="FromPackedRows"/>.</summary>
    public void CopyFromPackedRows(ReadOnlySpan<byte> source, int sourceStride, BitOrder order, bool invert = false)
    {
        int rowBytes = BytesPerPackedRow(Width);
        if (sourceStride < rowBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(sourceStride), "The stride is shorter than one packed row.");
        }

        if ((long)sourceStride * (Height - 1) + rowBytes > source.Length)
        {
            throw new ArgumentException("The source is shorter than the image.", nameof(source));
        }

        for (int y = 0; y < Height; y++)
        {
            SetRow(y, source.Slice(y * sourceStride, rowBytes), order, invert);
        }
    }

    /// <summary>
    /// Overwrites row <paramref name="y"/> from <c>ceil(Width / 8)</c> packed bytes (more are ignored).
    /// With <paramref name="invert"/>, a set source bit is black.
    /// </summary>
    public void SetRow(int y, ReadOnlySpan<byte> packed, BitOrder order = BitOrder.MsbFirst, bool invert = false)
    {
        Span<ulong> row = Row(y);
        int rowBytes = BytesPerPackedRow(Width);
        if (packed.Length < rowBytes)
        {
            throw new ArgumentException("The row is shorter than the image width.", nameof(packed));
        }

        packed = packed[..rowBytes];
        int fullWords = rowBytes >> 3;
        for (int i = 0; i < fullWords; i++)
        {
            row[i] = BinaryPrimitives.ReadUInt64BigEndian(packed.Slice(i << 3, 8));
        }

        if (fullWords < row.Length)
        {
            // The tail: fewer than 8 bytes, placed at the top of the last word.
            ulong tail = 0;
            ReadOnlySpan<byte> rest = packed[(fullWords << 3)..];
            for (int i = 0; i < rest.Length; i++)
            {
                tail |= (ulong)rest[i] << (56 - (8 * i));
            }

            row[fullWords] = tail;
        }

        if (order == BitOrder.LsbFirst)
        {
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = BitReversal.InBytes(row[i]);
            }
        }

        if (invert)
        {
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = ~row[i];
            }
        }

        row[^1] &= LastWordMask;
    }

    /// <summary>
    /// Writes row <paramref name="y"/> as <c>ceil(Width / 8)</c> packed bytes; padding bits are zero
    /// (one after inversion when <paramref name="invert"/> is set).
    /// </summary>
    public void CopyRowTo(int y, Span<byte> destination, BitOrder order = BitOrder.MsbFirst, bool invert = false)
    {
        ReadOnlySpan<ulong> row = Row(y);
        int rowBytes = BytesPerPackedRow(Width);
        if (destination.Length < rowBytes)
        {
            throw new ArgumentException("The destination is shorter than one packed row.", nameof(destination));
        }

        Span<byte> word = stackalloc byte[8];
        for (int i = 0, offset = 0; i < row.Length; i++, offset += 8)
        {
            ulong w = invert ? ~row[i] : row[i];
            if (order == BitOrder.LsbFirst)
            {
                w = BitReversal.InBytes(w);
            }

            int count = Math.Min(8, rowBytes - offset);
            if (count == 8)
            {
                BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(offset, 8), w);
            }
            else
            {
                BinaryPrimitives.WriteUInt64BigEndian(word, w);
                word[..count].CopyTo(destination.Slice(offset, count));
            }
        }
    }

    /// <summary>Bytes in one packed row of <paramref name="width"/> pixels: <c>ceil(width / 8)</c>.</summary>
    public static int BytesPerPackedRow(int width) => (width + 7) >> 3;

    /// <summary>Words in one row of <paramref name="width"/> pixels: <c>ceil(width / 64)</c>.</summary>
    public static int WordsFor(int width) => (width + 63) >> 6;

    /// <summary>The mask of the pixel bits in the last word of a row of <paramref name="width"/> pixels.</summary>
    public static ulong LastWordMaskFor(int width)
    {
        int used = width & 63;
        return used == 0 ? ulong.MaxValue : ~(ulong.MaxValue >> used);
    }

    /// <summary>The bit of pixel <paramref name="x"/> within its word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong BitFor(int x) => 1UL << (63 - (x & 63));

    /// <inheritdoc/>
    public bool Equals(BitImage? other) =>
        other is not null
        && other.Width == Width
        && other.Height == Height
        && Words.SequenceEqual(other.Words);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BitImage other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Width);
        hash.Add(Height);
        hash.AddBytes(MemoryMarshal.AsBytes((ReadOnlySpan<ulong>)Words));
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"BitImage {Width}x{Height}";

    /// <summary>Returns rented storage to the pool. The image must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_pooled && _words.Length > 0)
        {
            ArrayPool<ulong>.Shared.Return(_words);
        }

        _words = [];
    }

    private static int CheckedWordCount(int width, int height)
    {
        if (width < 1 || width > MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "Width must be 1..65535.");
        }

        if (height < 1 || height > MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, "Height must be 1..65535.");
        }

        long count = (long)WordsFor(width) * height;
        if (count > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), "The image is too large to hold in memory.");
        }

        return (int)count;
    }

    private void CheckPixel(int x, int y)
    {
        if ((uint)x >= (uint)Width)
        {
            throw new ArgumentOutOfRangeException(nameof(x));
        }

        if ((uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(y));
        }
    }
}
