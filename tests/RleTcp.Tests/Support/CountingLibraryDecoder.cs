using RleTcp.Imaging;
using RleTcp.Imaging.Sandbox;
using RleTcp.Protocol.Bits;

namespace RleTcp.Tests.Support;

/// <summary>A library decoder (the decode worker's place) that counts its calls and decodes nothing.</summary>
public sealed class CountingLibraryDecoder : ILibraryDecoder
{
    /// <summary>How many times <see cref="Decode"/> was called.</summary>
    public int Calls { get; private set; }

    public BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, ConversionRequest conversion, CancellationToken ct)
    {
        Calls++;
        throw new InvalidOperationException("the library decoder was called");
    }
}
