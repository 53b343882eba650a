using RleTcp.Imaging;
using RleTcp.Protocol.V2;

namespace RleTcp.Server.Execution.V2;

/// <summary>One v2 INFO: the header of the body, read without decoding a pixel (<see cref="ImageHeaderInfo"/>).</summary>
internal sealed class V2InfoWork(ImageFormats allowed) : IRequestProcessor
{
    /// <inheritdoc/>
    public ServerResponse Process(ReadOnlyMemory<byte> payload, IBandScheduler bands, CancellationToken cancellationToken)
    {
        ImageHeaderInfo info;
        try
        {
            info = ImageHeaderInfo.Read(payload, allowed);
        }
        catch (ImageIntakeException e)
        {
            return ImageCompressionProcessor.Refusal(e);
        }

        ServerResponse answer = ServerResponse.Ok([]);
        answer.V2Fields = new V2AnswerFields
        {
            Format = info.Format,
            Width = (uint)info.Width,
            Height = (uint)info.Height,
            Mode = info.Mode,
            Frames = (uint)info.Frames,
        };
        return answer;
    }
}
