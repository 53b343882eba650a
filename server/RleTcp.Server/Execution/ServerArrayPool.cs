using System.Buffers;
using System.Numerics;

namespace RleTcp.Server.Execution;

/// <summary>
/// The server's byte pool for pipe segments, request payloads and band outputs. <see cref="ArrayPool{T}.Shared"/>
/// keeps only a few dozen arrays of one size per core (32 per partition), and a loaded server has more of one size in
/// flight than that: 64 connections each hold a 4 KB input and output segment plus a queued payload and an answer, and
/// a big image keeps up to 1 MB of 4 KB segments in each pipe and one output buffer per band. The surplus was dropped
/// on return and allocated afresh on the next rent (measured: 2.3 KB per small request, 1-4 MB per big one). Here the
/// arrays up to <see cref="PooledMaxLength"/> come from a pool holding up to <see cref="ArraysPerSize"/> per size;
/// larger ones (big payloads, big answers) stay with the shared pool, which trims itself on memory pressure.
/// </summary>
/// <remarks>
/// Trimmed after bursts: every <see cref="TrimInterval"/> each size class drops the arrays that sat unused in it for
/// the whole interval (the fewest it held at any moment since the last trim), so a burst's high-water mark (up to
/// 1,024 arrays per size, a GiB in the 1 MiB class) goes back to the GC within two intervals, while the arrays a steady
/// load keeps cycling are never dropped. Renting and returning take a short lock per size class and allocate nothing.
/// </remarks>
internal sealed class ServerArrayPool : ArrayPool<byte>
{
    /// <summary>The longest array kept by the server's own pool.</summary>
    public const int PooledMaxLength = 1024 * 1024;

    /// <summary>How many arrays of one size the server's own pool keeps.</summary>
    public const int ArraysPerSize = 1024;

    /// <summary>How often idle arrays are dropped.</summary>
    public static readonly TimeSpan TrimInterval = TimeSpan.FromSeconds(10);

    private const int MinLengthLog2 = 4; // 16 bytes, as ArrayPool.Create
    private readonly SizeClass[] _classes;
    private readonly Timer? _trimmer;

    private ServerArrayPool(bool trimOnTimer)
    {
        _classes = new SizeClass[BitOperations.Log2(PooledMaxLength) - MinLengthLog2 + 1];
        for (int i = 0; i < _classes.Length; i++)
        {
            _classes[i] = new SizeClass(1 << (i + MinLengthLog2));
        }

        if (trimOnTimer)
        {
            // A static pool that lives as long as the process: the timer is never disposed on purpose.
            _trimmer = new Timer(static s => ((ServerArrayPool)s!).Trim(), this, TrimInterval, TrimInterval);
        }
    }

    /// <summary>The one instance every connection and worker shares.</summary>
    public static ServerArrayPool Instance { get; } = new(trimOnTimer: true);

    /// <summary>A pool of its own that trims only when told (for tests).</summary>
    internal static ServerArrayPool CreateUntimed() => new(trimOnTimer: false);

    /// <summary>Bytes held by the pool's own size classes now (arrays returned and not rented again).</summary>
    internal long RetainedBytes => _classes.Sum(c => (long)c.Count * c.Length);

    /// <inheritdoc/>
    public override byte[] Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        if (minimumLength == 0)
        {
            return [];
        }

        return minimumLength <= PooledMaxLength ? _classes[ClassOf(minimumLength)].Rent() : Shared.Rent(minimumLength);
    }

    /// <inheritdoc/>
    public override void Return(byte[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length == 0)
        {
            return;
        }

        // Every array the small classes hand out is at most PooledMaxLength long and every shared one is longer, so the
        // length says where an array came from.
        if (array.Length > PooledMaxLength)
        {
            Shared.Return(array, clearArray);
            return;
        }

        int index = ClassOf(array.Length);
        if (_classes[index].Length != array.Length)
        {
            throw new ArgumentException("The array was not rented from this pool.", nameof(array));
        }

        if (clearArray)
        {
            Array.Clear(array);
        }

        _classes[index].Return(array);
    }

    /// <summary>Drops, in every size class, the arrays that stayed unused since the previous trim.</summary>
    internal void Trim()
    {
        foreach (SizeClass sizeClass in _classes)
        {
            sizeClass.Trim();
        }
    }

    private static int ClassOf(int length) =>
        Math.Max(0, BitOperations.Log2((uint)length - 1) + 1 - MinLengthLog2);

    // One size: a stack of free arrays under a lock, and the fewest it held since the last trim.
    private sealed class SizeClass(int length)
    {
        private readonly byte[]?[] _free = new byte[ArraysPerSize][];
        private readonly Lock _gate = new();
        private int _count;
        private int _lowWater;

        public int Length { get; } = length;

        public int Count => Volatile.Read(ref _count);

        public byte[] Rent()
        {
            lock (_gate)
            {
                if (_count > 0)
                {
                    byte[] array = _free[--_count]!;
                    _free[_count] = null;
                    _lowWater = Math.Min(_lowWater, _count);
                    return array;
                }
            }

            return GC.AllocateUninitializedArray<byte>(Length);
        }

        public void Return(byte[] array)
        {
            lock (_gate)
            {
                if (_count < _free.Length)
                {
                    _free[_count++] = array;
                }
            }
        }

        public void Trim()
        {
            lock (_gate)
            {
                // The _lowWater arrays at the bottom of the stack were not touched since the last trim: drop them.
                int idle = Math.Min(_lowWater, _count);
                if (idle > 0)
                {
                    Array.Copy(_free, idle, _free, 0, _count - idle);
                    Array.Clear(_free, _count - idle, idle);
                    _count -= idle;
                }

                _lowWater = _count;
            }
        }
    }
}
