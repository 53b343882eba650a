using System.Buffers;

namespace RleTcp.Server.Execution;

/// <summary>
/// A request payload copied out of the connection's pipe into an array rented from <see cref="ServerArrayPool"/>,
/// so the pipe can be advanced at once and a worker thread can read the bytes later. Disposing it returns the array
/// and the bytes reserved in the <see cref="BufferedBytesBudget"/>.
/// </summary>
public sealed class PooledPayload : IDisposable
{
    private byte[]? _array;
    private readonly BufferedBytesBudget? _budget;

    private PooledPayload(byte[] array, int length, BufferedBytesBudget? budget)
    {
        _array = array;
        Length = length;
        _budget = budget;
    }

    /// <summary>The payload length in bytes.</summary>
    public int Length { get; }

    /// <summary>The payload bytes.</summary>
    public Memory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(PooledPayload))).AsMemory(0, Length);

    /// <summary>
    /// Rents room for <paramref name="length"/> bytes. The caller has already reserved them in <paramref name="budget"/>
    /// (if any); <see cref="Dispose"/> releases them.
    /// </summary>
    public static PooledPayload Rent(int length, BufferedBytesBudget? budget)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new PooledPayload(ServerArrayPool.Instance.Rent(length), length, budget);
    }

    /// <summary>Returns the array to the pool and releases the budget. Safe to call twice.</summary>
    public void Dispose()
    {
        byte[]? array = Interlocked.Exchange(ref _array, null);
        if (array is null)
        {
            return;
        }

        ServerArrayPool.Instance.Return(array);
        _budget?.Release(Length);
    }
}
