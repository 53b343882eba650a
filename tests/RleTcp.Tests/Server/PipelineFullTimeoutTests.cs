using RleTcp.Protocol.Framing;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.Server;

/// <summary>
/// A frame Timeout is the last frame on its connection even when the pipeline of answers is full at the moment the
/// frame's deadline passes: it waits behind the pending answers instead of being dropped.
/// </summary>
[Trait("Category", "Socket")]
public class PipelineFullTimeoutTests
{
    [Fact]
    public async Task AFrameTimeoutIsSentAfterThePendingAnswersWhenThePipelineIsFull()
    {
        var processor = new ScriptedProcessor();
        await using TestServer server = await TestServer.StartAsync(
            o =>
            {
                o.MaxPipelinedRequests = 2;
                o.FrameTimeout = TimeSpan.FromMilliseconds(200);
            },
            processor);
        await using FrameClient client = await server.ConnectAsync();
        try
        {
            // The writer awaits the held answer; the two echoes then fill the pipeline (capacity 2).
            await client.SendFrameAsync(ScriptedProcessor.Hold("held"));
            await processor.WaitEnteredAsync();
            await client.SendRawAsync([.. FrameClient.Frame(ScriptedProcessor.Echo("one")), .. FrameClient.Frame(ScriptedProcessor.Echo("two"))]);
            await processor.WaitEnteredAsync(2);

            // A header that never completes: its deadline passes while the pipeline is still full.
            await client.SendRawAsync(FrameClient.Header(100).AsMemory(0, 3));
            await WaitForLogAsync(server, "not complete within");
        }
        finally
        {
            processor.Release();
        }

        var statuses = new List<ResponseStatus>();
        while (await client.ReadAnswerOrEndAsync() is { } answer)
        {
            statuses.Add(answer.Status);
        }

        Assert.Equal([ResponseStatus.Ok, ResponseStatus.Ok, ResponseStatus.Ok, ResponseStatus.Timeout], statuses);
    }

    private static Task WaitForLogAsync(TestServer server, string text) =>
        Eventually.TrueAsync(() => server.Logs.Entries.Any(e => e.Message.Contains(text, StringComparison.Ordinal)), $"the server never logged '{text}'");
}
