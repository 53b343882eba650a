using RleTcp.Server.Execution;

namespace RleTcp.Tests.Support;

/// <summary>Request payloads for executor tests, built as the connection builds them (rented, outside any budget).</summary>
internal static class TestPayload
{
    /// <summary>A pooled payload holding a copy of <paramref name="bytes"/>.</summary>
    public static PooledPayload Of(ReadOnlySpan<byte> bytes)
    {
        PooledPayload payload = PooledPayload.Rent(bytes.Length, budget: null);
        bytes.CopyTo(payload.Memory.Span);
        return payload;
    }
}
