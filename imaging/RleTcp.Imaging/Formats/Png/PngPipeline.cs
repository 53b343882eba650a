using System.IO.Compression;
using System.Runtime.ExceptionServices;

namespace RleTcp.Imaging.Formats;

/// <summary>
/// A non-interlaced PNG converted on two threads at once, in the whole-image buffer of <see cref="PngInflate"/>
/// (slot 0 a zero row, slot <c>y + 1</c> scanline <c>y</c> with its filter byte): one side unfilters blocks of rows in
/// order while the other turns the rows already unfiltered into bits (values, dither, packing). The scanlines are
/// either all inflated already (libdeflate, one call) or inflated here block by block from a <c>ZLibStream</c>
/// (streaming: the inflate, a third of the work, then overlaps the dither instead of coming before both). The bits are
/// those of the one-thread path, which runs the same steps one after the other.
/// </summary>
/// <remarks>
/// Blocks are inflated in order under a lock, unfiltered in order (claimed from one counter, each waiting for its own
/// scanlines and the block above), and converted in order. The inflating side holds the lock for one block at a time;
/// anyone waiting for a block nobody is inflating takes the lock with TryEnter and inflates it, and the converting side,
/// finding its next block unclaimed, unfilters it itself: so no side ever waits on work nobody runs, and the call
/// completes when <see cref="IIntakeHelpers.Run"/> runs both work items on the caller, in either order. Run returns only
/// once both have finished, so the buffer and the stream outlive every use.
/// A failure is kept with its place in the one-thread order (inflate block 0, unfilter block 0, inflate block 1, ...):
/// work after the first failure stops, work before it still runs (a bad filter above a cut is refused for the filter,
/// as on one thread), and the earliest failure is rethrown as itself once both sides are done. The stream is read in
/// the one-thread path's blocks, so a cut or corrupt stream fails at the same block, and nothing past the image is read.
/// </remarks>
internal sealed class PngPipeline
{
    // The place of a failure that stops everything (cancellation, an unexpected fault): before every step.
    private const int StopAll = -1;

    // Waits yield but never sleep: a block takes ~0.5 ms to inflate and a 1 ms sleep would overshoot every wait for one.
    private const int Sleep1Threshold = -1;

    private readonly byte[] _buffer;
    private readonly ZLibStream? _zlib;
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
    private readonly Lock _inflating = new();
    private readonly Lock _failing = new();
    private int _inflatedBlocks;
    private int _nextBlock = -1;
    private int _doneBlocks;
    private int _failedAt = int.MaxValue; // inflate block k = step 2k, unfilter block k = step 2k + 1
    private ExceptionDispatchInfo? _failure;

    private PngPipeline(
        byte[] buffer, ZLibStream? zlib, PngHeader header, byte[] levels, BilevelRowWriter writer, int blockRows,
        bool wavefrontPaeth, CancellationToken ct)
    {
        _buffer = buffer;
        _zlib = zlib;
        _header = header;
        _levels = levels;
        _writer = writer;
        _rowBytes = (int)header.RowBytes(header.Width);
        _stride = _rowBytes + 1;
        _bpp = Math.Max(1, header.BitsPerPixel / 8);
        _blockRows = blockRows;
        _blocks = (header.Height + blockRows - 1) / blockRows;
        _inflatedBlocks = zlib is null ? _blocks : 0;
        _wavefrontPaeth = wavefrontPaeth;
        _ct = ct;
    }

    /// <summary>
    /// Converts every row of <paramref name="buffer"/> into <paramref name="writer"/>, with <paramref name="helpers"/>.
    /// Without <paramref name="zlib"/> the buffer holds every scanline (none unfiltered yet); with it, only slot 0 is
    /// written and the scanlines are inflated from it in blocks of <paramref name="blockRows"/> rows.
    /// </summary>
    public static void Run(
        byte[] buffer, ZLibStream? zlib, PngHeader header, byte[] levels, BilevelRowWriter writer, int blockRows,
        bool wavefrontPaeth, IIntakeHelpers helpers, CancellationToken ct)
    {
        var pipeline = new PngPipeline(buffer, zlib, header, levels, writer, blockRows, wavefrontPaeth, ct);
        helpers.Run(2, pipeline.Work, ct);
        pipeline._failure?.Throw();
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

            // The stream first (the converting side inflates only a block it is waiting for), then unfiltering.
            while (TryInflateNextBlock(wait: true))
            {
            }

            while (TryUnfilterNextBlock())
            {
            }
        }
        catch (Exception e)
        {
            Fail(StopAll, e);
        }
    }

    private void Convert()
    {
        int height = _header.Height;
        for (int y = 0; y < height; y++)
        {
            if (y % _blockRows == 0 && !WaitForBlock(y / _blockRows))
            {
                return;
            }

            PngSamples.ToValues(_header, _levels, _buffer.AsSpan(((y + 1) * _stride) + 1, _rowBytes), _writer.NextRow());
            _writer.Commit(y);
        }
    }

    // Until block k is unfiltered, unfilters or inflates the next block meanwhile; false when it never will be.
    private bool WaitForBlock(int k)
    {
        if (_ct.IsCancellationRequested)
        {
            Fail(StopAll, new OperationCanceledException(_ct));
            return false;
        }

        var spin = default(SpinWait);
        while (Volatile.Read(ref _doneBlocks) <= k)
        {
            if (Stopped((2 * k) + 1))
            {
                return false;
            }

            if (!TryUnfilterNextBlock() && !TryInflateNextBlock(wait: false))
            {
                spin.SpinOnce(Sleep1Threshold);
            }
        }

        return true;
    }

    // Claims the next block and unfilters it once its scanlines are in and the block above is done (inflating one
    // meanwhile if nobody is); false when every block is claimed or a failure before it stopped it.
    private bool TryUnfilterNextBlock()
    {
        int k = Interlocked.Increment(ref _nextBlock);
        if (k >= _blocks)
        {
            return false;
        }

        var spin = default(SpinWait);
        while (Volatile.Read(ref _doneBlocks) < k || Volatile.Read(ref _inflatedBlocks) <= k)
        {
            if (Stopped((2 * k) + 1))
            {
                return false;
            }

            if (!TryInflateNextBlock(wait: false))
            {
                spin.SpinOnce(Sleep1Threshold);
            }
        }

        int first = k * _blockRows;
        int rows = Math.Min(_blockRows, _header.Height - first);
        try
        {
            PngReader.UnfilterRows(_buffer, first + 1, rows, _stride, _rowBytes, _bpp, _wavefrontPaeth, first);
        }
        catch (Exception e)
        {
            Fail((2 * k) + 1, e);
            return false;
        }

        Volatile.Write(ref _doneBlocks, k + 1);
        return true;
    }

    // Inflates the next block of the stream, under the lock (waiting for it, or only if free); false when it did not:
    // every block is in, the lock was taken, or a failure stopped it (a cut or corrupt stream is that failure).
    private bool TryInflateNextBlock(bool wait)
    {
        if (Volatile.Read(ref _inflatedBlocks) >= _blocks)
        {
            return false;
        }

        if (wait)
        {
            _inflating.Enter();
        }
        else if (!_inflating.TryEnter())
        {
            return false;
        }

        try
        {
            int k = _inflatedBlocks;
            if (k >= _blocks || Stopped(2 * k))
            {
                return false;
            }

            if (_ct.IsCancellationRequested)
            {
                Fail(StopAll, new OperationCanceledException(_ct));
                return false;
            }

            int first = k * _blockRows;
            Span<byte> block = _buffer.AsSpan((first + 1) * _stride, Math.Min(_blockRows, _header.Height - first) * _stride);
            try
            {
                // The one-thread path's read (PngReader.RowSource): the same blocks, the same verdict on a short stream.
                int got = _zlib!.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
                if (got < block.Length)
                {
                    throw PngReader.Truncated(first + (got / _stride), _header.Height, 0);
                }
            }
            catch (Exception e)
            {
                Fail(2 * k, e);
                return false;
            }

            Volatile.Write(ref _inflatedBlocks, k + 1);
            return true;
        }
        finally
        {
            _inflating.Exit();
        }
    }

    // Whether a failure came at or before step: its work is moot, or waits on work that will never be done (or was,
    // and failed: a stream that failed is not read again).
    private bool Stopped(int step) => Volatile.Read(ref _failedAt) <= step;

    private void Fail(int step, Exception e)
    {
        lock (_failing)
        {
            if (step < _failedAt)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
                Volatile.Write(ref _failedAt, step);
            }
        }
    }
}
