using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// A JPEG decoded a few rows at a time by libjpeg (<see cref="JpegScanlines"/>) while another thread turns the rows
/// already decoded into bits (luma, dither, packing): the decode and the dither overlap instead of following each
/// other, and the bits are those of the one-thread path, which runs the same rows through the same writer.
/// </summary>
/// <remarks>
/// The two sides are the two work items of <see cref="IIntakeHelpers.Run"/>, which may run them on one thread one
/// after the other, in either order. So the decoder is a step that either side can take: the converting side, finding
/// its next row not decoded, decodes the next rows itself when the decoding side is not (the decoder is behind a lock
/// taken with TryEnter); neither side ever waits on work nobody runs. A decode that fails or warns stops both sides
/// and the whole image is declined (the caller falls back, as for a whole-image decode that failed).
/// </remarks>
internal sealed unsafe class JpegRowPipeline
{
    // One MCU row of a 2x2-subsampled JPEG: libjpeg hands out at most that many rows per call anyway.
    private const int ChunkRows = 16;

    private readonly IntPtr _decoder;
    private readonly byte[] _pixels;
    private readonly int _pitch;
    private readonly int _height;
    private readonly int _bytesPerPixel;
    private readonly BilevelRowWriter _writer;
    private readonly CancellationToken _ct;
    private readonly Lock _decoding = new();
    private int _decodedRows;
    private volatile bool _declined; // the decode failed or warned, or one side threw: both sides stop

    private JpegRowPipeline(IntPtr decoder, byte[] pixels, int width, int height, int bytesPerPixel, BilevelRowWriter writer, CancellationToken ct)
    {
        _decoder = decoder;
        _pixels = pixels;
        _pitch = width * bytesPerPixel;
        _height = height;
        _bytesPerPixel = bytesPerPixel;
        _writer = writer;
        _ct = ct;
    }

    /// <summary>
    /// Decodes every row of the started <paramref name="decoder"/> into <paramref name="pixels"/> (<c>width *
    /// bytesPerPixel</c> bytes a row) and converts it into a new image, on the caller and one helper; null when libjpeg
    /// failed or warned anywhere, to the end of the stream.
    /// </summary>
    public static BitImage? Run(
        IntPtr decoder, byte[] pixels, int width, int height, int bytesPerPixel, IntakeOptions options, IIntakeHelpers helpers, CancellationToken ct)
    {
        BitImage image = BitImage.CreatePooled(width, height);
        try
        {
            bool complete;
            using (var writer = new BilevelRowWriter(image, options.Mode == ConversionMode.Pillow, options.Level))
            {
                var pipeline = new JpegRowPipeline(decoder, pixels, width, height, bytesPerPixel, writer, ct);
                helpers.Run(2, pipeline.Work, ct);
                complete = !pipeline._declined;
            }

            // What libjpeg says after the last row (data past it, a missing EOI) counts as for a whole-image decode.
            if (complete && JpegScanlines.Finish(decoder) == 0 && JpegScanlines.Warnings(decoder) == 0)
            {
                return image;
            }

            image.Dispose();
            return null;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    private void Work(int index)
    {
        try
        {
            if (index == 0)
            {
                Convert();
                return;
            }

            var spin = default(SpinWait);
            while (!_declined && Volatile.Read(ref _decodedRows) < _height)
            {
                if (!TryDecodeChunk())
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }
            }
        }
        catch
        {
            // A failure on one side (cancellation, or a bug) stops the other at its next chunk or row.
            _declined = true;
            throw;
        }
    }

    private void Convert()
    {
        for (int y = 0; y < _height; y++)
        {
            if (Volatile.Read(ref _decodedRows) <= y)
            {
                _ct.ThrowIfCancellationRequested();
                var spin = default(SpinWait);
                while (Volatile.Read(ref _decodedRows) <= y)
                {
                    if (_declined)
                    {
                        return;
                    }

                    if (!TryDecodeChunk())
                    {
                        spin.SpinOnce(sleep1Threshold: -1);
                    }
                }
            }

            TurboJpegReader.WriteRow(_writer, y, _pixels.AsSpan(y * _pitch, _pitch), _bytesPerPixel);
        }
    }

    // Decodes the next rows unless the other side is decoding them: false when it is (or nothing is left).
    private bool TryDecodeChunk()
    {
        if (!_decoding.TryEnter())
        {
            return false;
        }

        try
        {
            int done = _decodedRows;
            if (done >= _height || _declined)
            {
                return false;
            }

            _ct.ThrowIfCancellationRequested();
            int got;
            fixed (byte* destination = &_pixels[done * _pitch])
            {
                got = JpegScanlines.Read(_decoder, destination, _pitch, Math.Min(ChunkRows, _height - done));
            }

            // An error, an early end of the rows, or a warning (corrupt data patched over): the image is declined
            // now rather than after the rest is decoded.
            if (got <= 0 || JpegScanlines.Warnings(_decoder) != 0)
            {
                _declined = true;
                return false;
            }

            Volatile.Write(ref _decodedRows, done + got);
            return true;
        }
        finally
        {
            _decoding.Exit();
        }
    }
}
