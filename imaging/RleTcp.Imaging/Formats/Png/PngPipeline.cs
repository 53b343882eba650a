using System.Runtime.ExceptionServices;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// A PNG whose scanlines are all inflated (<see cref="PngInflate"/>) converted on two threads at once: one unfilters
/// blocks of rows in order while the other turns the rows already unfiltered into bits (values, dither, packing).
/// Each half costs about the same on a grey or colour scan (~2.2 ns a byte and a pixel), so the two overlap nearly
/// whole; the bits are those of the one-thread path, which runs the same two steps one after the other.
/// </summary>
/// <remarks>
/// Blocks are claimed in order from one counter by whoever wants one, and a block waits for the one above it (its
/// first row's "above"), which its claimant is already running: so neither side can wait on work nobody runs, and the
/// converting side, finding its next block unclaimed (no helper came, or it is behind), unfilters it itself. The
/// two sides are the two work items of <see cref="IIntakeHelpers.Run"/>, which returns only once both have finished,
/// so the buffer outlives every use. A failure on either side stops the other at its next block and is rethrown as
/// itself, so the caller sees the same refusal as on one thread.
/// </remarks>
internal sealed class PngPipeline
{
    private readonly byte[] _buffer;
    private readonly PngHeader _header;
    private readonly byte[] _levels;
    private readonly BilevelRowWriter _writer;
    private readonly int _stride;
    private readonly int _rowBytes;
    private readonly int _bpp;
    private readonly int _blockRows;
    private readonly int _blocks;
    private readonly bool _wavefrontPaeth;
    private readonly CancellationToken _ct;
    private int _nextBlock = -1;
    private int _doneBlocks;
    private volatile bool _stop;
    private volatile ExceptionDispatchInfo? _failure;

    private PngPipeline(
        byte[] buffer, PngHeader header, byte[] levels, BilevelRowWriter writer, int blockRows, bool wavefrontPaeth, CancellationToken ct)
    {
        _buffer = buffer;
        _header = header;
        _levels = levels;
        _writer = writer;
        _rowBytes = (int)header.RowBytes(header.Width);
        _stride = _rowBytes + 1;
        _bpp = Math.Max(1, header.BitsPerPixel / 8);
        _blockRows = blockRows;
        _blocks = (header.Height + blockRows - 1) / blockRows;
        _wavefrontPaeth = wavefrontPaeth;
        _ct = ct;
    }

    /// <summary>
    /// Converts every row of <paramref name="buffer"/> (slot 0 a zero row, slot <c>y + 1</c> scanline <c>y</c>
    /// with its filter byte, none unfiltered yet) into <paramref name="writer"/>, with <paramref name="helpers"/>.
    /// </summary>
    public static void Run(
        byte[] buffer, PngHeader header, byte[] levels, BilevelRowWriter writer, int blockRows, bool wavefrontPaeth,
        IIntakeHelpers helpers, CancellationToken ct)
    {
        var pipeline = new PngPipeline(buffer, header, levels, writer, blockRows, wavefrontPaeth, ct);
        helpers.Run(2, pipeline.Work, ct);
    }

    private void Work(int index)
    {
        try
        {
            if (index == 0)
            {
                Convert();
            }
            else
            {
                while (!_stop && TryUnfilterNextBlock())
                {
                }
            }
        }
        catch (Exception e)
        {
            // The first failure is the one both sides rethrow (the other side's own stop is no failure).
            if (_failure is null)
            {
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            }

            _stop = true;
            _failure!.Throw();
        }
    }

    private void Convert()
    {
        int height = _header.Height;
        for (int y = 0; y < height; y++)
        {
            if (y % _blockRows == 0)
            {
                _ct.ThrowIfCancellationRequested();
                WaitForBlock(y / _blockRows);
            }

            PngSamples.ToValues(_header, _levels, _buffer.AsSpan(((y + 1) * _stride) + 1, _rowBytes), _writer.NextRow());
            _writer.Commit(y);
        }
    }

    // Until block k is unfiltered: unfilters the next unclaimed block meanwhile, or waits for the other side's.
    private void WaitForBlock(int k)
    {
        var spin = default(SpinWait);
        while (Volatile.Read(ref _doneBlocks) <= k)
        {
            ThrowIfStopped();
            if (!TryUnfilterNextBlock())
            {
                spin.SpinOnce();
            }
        }
    }

    // Claims the next block and unfilters it once the block above is done; false when every block is claimed.
    private bool TryUnfilterNextBlock()
    {
        int k = Interlocked.Increment(ref _nextBlock);
        if (k >= _blocks)
        {
            return false;
        }

        var spin = default(SpinWait);
        while (Volatile.Read(ref _doneBlocks) < k)
        {
            ThrowIfStopped();
            spin.SpinOnce();
        }

        int first = k * _blockRows;
        int rows = Math.Min(_blockRows, _header.Height - first);
        PngReader.UnfilterRows(_buffer, first + 1, rows, _stride, _rowBytes, _bpp, _wavefrontPaeth, first);
        Volatile.Write(ref _doneBlocks, k + 1);
        return true;
    }

    private void ThrowIfStopped()
    {
        if (_stop)
        {
            // The other side failed: its failure, as itself; or it stopped for ours, already on its way out.
            _failure?.Throw();
            throw new OperationCanceledException("The other side of the PNG pipeline stopped.");
        }
    }
}
