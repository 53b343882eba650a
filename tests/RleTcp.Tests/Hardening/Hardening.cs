using Microsoft.Extensions.Logging;
using RleTcp.Protocol;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Hardening;

/// <summary>The checks every hardening test ends with, and the inputs they share.</summary>
internal static class Hardening
{
    /// <summary>The image a fresh client sends to prove the server still works.</summary>
    public const string ProbeVector = "syn_checker1_301x99.bmp";

    public static byte[] Input(string vector) => File.ReadAllBytes(Vectors.Get(vector).InputPath);

    public static byte[] Expected(string vector) => File.ReadAllBytes(Vectors.Get(vector).ExpectedPath);

    /// <summary>A hostile input kept in fuzz/regressions/intake.</summary>
    public static byte[] Regression(string file) =>
        File.ReadAllBytes(Path.Combine(RepositoryRoot.Directory, "fuzz", "regressions", "intake", file));

    /// <summary>A new connection is answered a ping and a correct compression.</summary>
    public static async Task AssertFreshClientIsServedAsync(TestServer server)
    {
        await using FrameClient fresh = await server.ConnectAsync();
        await fresh.AssertPingAsync();
        await fresh.SendFrameAsync(Input(ProbeVector));
        Answer answer = await fresh.ReadAnswerAsync();
        Assert.Equal(ResponseStatus.Ok, answer.Status);
        Assert.Equal(Expected(ProbeVector), answer.Body);
    }

    /// <summary>The connection is still usable: a ping is answered.</summary>
    public static Task AssertOpenAsync(FrameClient client) => client.AssertPingAsync();

    /// <summary>What the in-process façade (intake + encoder) answers for <paramref name="image"/>: the oracle for the server.</summary>
    public static (ResponseStatus Status, byte[]? Rle) Local(ReadOnlyMemory<byte> image, IntakeOptions? options = null)
    {
        try
        {
            return (ResponseStatus.Ok, RleCompressor.Compress(image, options ?? IntakeOptions.Default));
        }
        catch (ImageIntakeException e)
        {
            return (e.Error == ImageIntakeError.ImageTooLarge ? ResponseStatus.ImageTooLarge : ResponseStatus.InvalidImage, null);
        }
    }
}
