using RleTcp.Imaging;
using RleTcp.Imaging.Sandbox;
using RleTcp.Protocol.Bits;

namespace RleTcp.Fuzz;

/// <summary>
/// <see cref="InProcessLibraryDecoder"/> on arbitrary bytes (the 4-megapixel budget of <see cref="ImageIntakeTarget"/>):
/// what a decode worker process runs. Only <see cref="ImageIntakeException"/> may escape. A hang here is the
/// library's (ImageSharp 2.1.13 has some): the server bounds it by killing the worker at the deadline, so
/// fuzz/run.sh keeps such inputs in fuzz/hangs/library/ as test material instead of failing; the test
/// <c>LibraryFuzzInputsAreBoundedByTheSandbox</c> replays them through the sandbox.
/// </summary>
internal sealed class LibraryDecodeTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "library";

    /// <inheritdoc/>
    public string Asserts =>
        $"the decode worker's in-process library decode (MaxPixels {ImageIntakeTarget.MaxPixels}) throws only ImageIntakeException; its hangs are kept, bounded by the sandbox";

    /// <inheritdoc/>
    public void Run(byte[] input)
    {
        try
        {
            using BitImage image = InProcessLibraryDecoder.Instance.Decode(input, ImageIntakeTarget.OptionsFor(input), CancellationToken.None);
        }
        catch (ImageIntakeException)
        {
            // The documented refusal.
        }
    }
}
