using System.Buffers;

namespace RleTcp.Server.Execution;

/// <summary>
/// The server's byte pool for pipe segments, request payloads and band outputs. <see cref="ArrayPool{T}.Shared"/>
/// keeps only a few dozen arrays of one size per core (32 per partition), and a loaded server has more of one size in
/// flight than that: 64 connections each hold a 4 KB input and output segment plus a queued payload and an answer, and
/// a big image keeps up to 1 MB of 4 KB segments in each pipe and one output buffer per band. The surplus was dropped
/// on return and allocated afresh on the next rent (measured: 2.3 KB per small request, 1-4 MB per big one). Here the
/// arrays up to <see cref="PooledMaxLength"/> come from a pool holding up to <see cref="ArraysPerSize"/> per size;
/// larger ones (big payloads, big answers) stay with the shared pool, where only a few are in flight at once.
/// </summary>
/// <remarks>
/// The pool keeps what it was given back (up to its capacity) rather than trimming it: what it holds is the server's
/// high-water mark of concurrent buffers of each size, which the pipe thresholds, the request buffer budget and the
/// queue capacity already bound.
/// </remarks>
internal sealed class ServerArrayPool : ArrayPool<byte>
{
    /// <summary>The longest array kept by the server's own pool.</summary>
    public const int PooledMaxLength = 1024 * 1024;

    /// <summary>How many arrays of one size the server's own pool keeps.</summary>
    public const int ArraysPerSize = 1024;

    private readonly ArrayPool<byte> _small = Create(PooledMaxLength, ArraysPerSize);

    private ServerArrayPool()
    {
    }

    /// <summary>The one instance every connection and worker shares.</summary>
    public static ServerArrayPool Instance { get; } = new();

    /// <inheritdoc/>
    public override byte[] Rent(int minimumLength) =>
        minimumLength <= PooledMaxLength ? _small.Rent(minimumLength) : Shared.Rent(minimumLength);

    /// <inheritdoc/>
    public override void Return(byte[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);

        // Every array the small pool hands out is at most PooledMaxLength long and every shared one is longer, so the
        // length says where an array came from.
        if (array.Length <= PooledMaxLength)
        {
            _small.Return(array, clearArray);
        }
        else
        {
            Shared.Return(array, clearArray);
        }
    }
}
