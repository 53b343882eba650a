using System.Buffers;

using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging;

/// <summary>
/// Pillow's Floyd–Steinberg over one whole image of grey values on several threads at once, bit-identical to the
/// one-thread <see cref="PillowDither"/>: groups of four rows are a wavefront across threads, as rows are within a
/// group.
/// </summary>
/// <remarks>
/// <para>
/// A row needs the row above done up to <c>x + 1</c>, nothing more, so the group of four rows below may run once the
/// group above is <see cref="PillowDither.GroupLag"/> steps ahead of it. Each participant claims the next group
/// (in order, from one counter), runs it a chunk of <see cref="ChunkSteps"/> steps at a time, and after each chunk
/// publishes how many steps it has done; before each chunk it waits (spin, then yield, then sleep) until the group
/// above has published enough. All groups share one error buffer, exactly as the one-thread dither does: the lag
/// keeps every read of an entry after the write it needs and before the write that replaces it.
/// </para>
/// <para>
/// Groups are claimed in order and a group only waits for the one above, which its claimant is already running, so
/// any number of participants is safe, including one (the caller alone runs every group when nobody else joins).
/// </para>
/// </remarks>
internal sealed class WavefrontDither : IDisposable
{
    /// <summary>Steps between two publications of a group's progress (a cache line of errors every 16 pixels).</summary>
    public const int ChunkSteps = 256;

    // One counter per group, 16 ints apart so that two groups' counters never share a cache line.
    private const int Pad = 16;

    private readonly byte[] _values;
    private readonly int _stride;
    private readonly int _chunk;
    private readonly BitImage _image;
    private readonly int _width;
    private readonly int _groups;
    private readonly int _steps;
    private readonly int[] _errors;
    private readonly int[] _progress;
    private int _nextGroup = -1;
    private int _helpers;
    private volatile bool _failed;

    /// <summary>
    /// Prepares to dither <paramref name="image"/>'s <c>Width x Height</c> values, row <c>y</c> at
    /// <c>values[y * stride]</c>, into <paramref name="image"/>.
    /// </summary>
    /// <param name="values">The grey values.</param>
    /// <param name="stride">Bytes from one row's values to the next's.</param>
    /// <param name="image">Where the bits go.</param>
    /// <param name="chunkSteps">Steps between progress publications (smaller only in tests, to exercise the waits).</param>
    public WavefrontDither(byte[] values, int stride, BitImage image, int chunkSteps = ChunkSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSteps, 1);
        int width = image.Width, height = image.Height;
        if (stride < width || (height > 0 && values.Length < ((height - 1) * (long)stride) + width))
        {
            throw new ArgumentException("The values are fewer than the image's pixels.", nameof(values));
        }

        _values = values;
        _stride = stride;
        _chunk = chunkSteps;
        _image = image;
        _width = width;
        _groups = (height + PillowDither.Rows - 1) / PillowDither.Rows;
        _steps = PillowDither.StepsOfFour(width);
        _errors = ArrayPool<int>.Shared.Rent(width + 1);
        Array.Clear(_errors, 0, width + 1);
        _progress = ArrayPool<int>.Shared.Rent(Math.Max(1, _groups * Pad));
        Array.Clear(_progress, 0, _groups * Pad);
    }

    /// <summary>Dithers <paramref name="values"/> into <paramref name="image"/> with up to <paramref name="threads"/> threads.</summary>
    /// <remarks>The caller is one of them; the others are thread-pool work items that join when they start.</remarks>
    public static void Dither(byte[] values, int stride, BitImage image, int threads, CancellationToken ct = default)
    {
        using var dither = new WavefrontDither(values, stride, image);
        for (int i = 1; i < threads; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static d => d.Help(), dither, preferLocal: false);
        }

        dither.Run(ct);
    }

    /// <summary>
    /// Runs groups until none is left, then waits until every group is in the image. Exactly one caller runs this;
    /// any number of others may call <see cref="Help"/>, before or while it runs.
    /// </summary>
    public void Run(CancellationToken ct = default)
    {
        try
        {
            ct.ThrowIfCancellationRequested();
            Participate(ct);
            for (int g = 0; g < _groups; g++)
            {
                ct.ThrowIfCancellationRequested();
                // A group's count passes _steps once its rows are packed into the image.
                WaitFor(g, _steps + 1);
            }
        }
        catch
        {
            // No group is claimed from now on; the helpers still inside finish or fail fast, and only then may
            // Dispose hand the buffers back.
            _failed = true;
            Interlocked.Exchange(ref _nextGroup, 1 << 30);
            var spin = default(SpinWait);
            while (Volatile.Read(ref _helpers) > 0)
            {
                spin.SpinOnce();
            }

            throw;
        }
    }

    /// <summary>Joins the work from another thread; returns when no group is left to claim. Never throws.</summary>
    public void Help()
    {
        Interlocked.Increment(ref _helpers);
        try
        {
            Participate(CancellationToken.None);
        }
        catch (Exception)
        {
            // The caller of Run sees the failure (it waits for every group) and throws there.
            _failed = true;
        }
        finally
        {
            Interlocked.Decrement(ref _helpers);
        }
    }

    /// <summary>Returns the buffers; only after <see cref="Run"/> has returned (every helper is then done with them).</summary>
    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_errors);
        ArrayPool<int>.Shared.Return(_progress);
    }

    private void Participate(CancellationToken ct)
    {
        byte[]? msbs = null;
        try
        {
            for (int g = Interlocked.Increment(ref _nextGroup); g < _groups; g = Interlocked.Increment(ref _nextGroup))
            {
                ct.ThrowIfCancellationRequested();
                msbs ??= ArrayPool<byte>.Shared.Rent(checked(PillowDither.Rows * _width));
                RunGroup(g, msbs);
            }
        }
        finally
        {
            if (msbs is not null)
            {
                ArrayPool<byte>.Shared.Return(msbs);
            }
        }
    }

    private void RunGroup(int g, byte[] msbs)
    {
        int width = _width, first = g * PillowDither.Rows;
        int rows = Math.Min(PillowDither.Rows, _image.Height - first);
        ref byte v0 = ref _values[first * _stride];
        ref int errors = ref _errors[0];
        if (rows < PillowDither.Rows)
        {
            // The last rows, fewer than four: one at a time, once the group above is done.
            if (g > 0)
            {
                WaitFor(g - 1, _steps);
            }

            PillowDither.DitherRows(_values.AsSpan(first * _stride), _stride, width, rows, _errors.AsSpan(0, width + 1), msbs, width);
        }
        else
        {
            var carries = default(FourRowCarries);
            for (int t = 0; t < _steps;)
            {
                int next = Math.Min(t + _chunk, _steps);
                if (g > 0)
                {
                    WaitFor(g - 1, Math.Min(next + PillowDither.GroupLag, _steps));
                }

                PillowDither.DitherFourSteps(ref v0, _stride, ref msbs[0], width, width, ref errors, t, next, ref carries);
                Volatile.Write(ref _progress[g * Pad], next);
                t = next;
            }
        }

        for (int r = 0; r < rows; r++)
        {
            MsbPacker.Pack(msbs.AsSpan(r * width, width), width, _image.Row(first + r));
        }

        Volatile.Write(ref _progress[g * Pad], _steps + 1);
    }

    private void WaitFor(int group, int steps)
    {
        ref int progress = ref _progress[group * Pad];
        if (Volatile.Read(ref progress) >= steps)
        {
            return;
        }

        // Spins first (the group above is normally a chunk ahead), then yields and sleeps if its thread is not running.
        var spin = default(SpinWait);
        while (Volatile.Read(ref progress) < steps)
        {
            if (_failed)
            {
                throw new OperationCanceledException("Another participant of the wavefront dither failed.");
            }

            spin.SpinOnce();
        }
    }
}
