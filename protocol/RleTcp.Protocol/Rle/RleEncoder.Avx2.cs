namespace RleTcp.Protocol.Rle;

public static partial class RleEncoder
{
    internal static int EncodeRowAvx2(ReadOnlySpan<ulong> row, int width, Span<byte> destination) =>
        EncodeRowScalar(row, width, destination);
}
