using System.Buffers;
using RleTcp.Server.Execution;

namespace RleTcp.Server.Transport;

/// <summary>
/// The connections' pipes take their segments from <see cref="ServerArrayPool"/> through this adapter (a
/// <see cref="System.IO.Pipelines.PipeOptions"/> pool must be a <see cref="MemoryPool{T}"/>); see there for why not the shared pool.
/// The leases are recycled too (a pipe disposes each exactly once and drops it), so a segment costs no allocation.
/// </summary>
internal sealed class ServerMemoryPool : MemoryPool<byte>
{
    // Enough for the segments in flight on a loaded server; a lease returned beyond that is left to the GC.
    private const int MaxIdleLeases = 4096;
    private readonly System.Collections.Concurrent.ConcurrentQueue<Lease> _idle = new();
    private int _idleCount;

    private ServerMemoryPool()
    {
    }

    /// <summary>The one instance every pipe shares.</summary>
    public static ServerMemoryPool Instance { get; } = new();

    /// <inheritdoc/>
    public override int MaxBufferSize => Array.MaxLength;

    /// <inheritdoc/>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        byte[] array = ServerArrayPool.Instance.Rent(minBufferSize < 0 ? 4096 : minBufferSize);
        if (_idle.TryDequeue(out Lease? lease))
        {
            Interlocked.Decrement(ref _idleCount);
        }
        else
        {
            lease = new Lease(this);
        }

        lease.Array = array;
        return lease;
    }

    private void Recycle(Lease lease)
    {
        if (Interlocked.Increment(ref _idleCount) <= MaxIdleLeases)
        {
            _idle.Enqueue(lease);
        }
        else
        {
            Interlocked.Decrement(ref _idleCount);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Lease(ServerMemoryPool owner) : IMemoryOwner<byte>
    {
        private byte[]? _array;

        public byte[]? Array
        {
            set => _array = value;
        }

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(ServerMemoryPool));

        // Only the first Dispose returns the array and the lease; a second one finds the array gone.
        public void Dispose()
        {
            byte[]? array = Interlocked.Exchange(ref _array, null);
            if (array is not null)
            {
                ServerArrayPool.Instance.Return(array);
                owner.Recycle(this);
            }
        }
    }
}
