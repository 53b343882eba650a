using System.Buffers;

namespace RleTcp.Tests.Support;

/// <summary>An <see cref="ArrayPool{T}"/> over the shared pool that counts arrays rented and not yet returned.</summary>
public sealed class CountingArrayPool : ArrayPool<byte>
{
    private int _outstanding;

    /// <summary>Arrays rented and not returned.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    public override byte[] Rent(int minimumLength)
    {
        Interlocked.Increment(ref _outstanding);
        return Shared.Rent(minimumLength);
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        Interlocked.Decrement(ref _outstanding);
        Shared.Return(array, clearArray);
    }
}
