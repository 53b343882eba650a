using System.Buffers;
using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.V2;

/// <summary>
/// A client that half-closes with requests still computing gets every answer before the server closes (the rletcp
/// client's DisposeAsync does this). The session used to report itself idle when a request's work finished but
/// before its answer reached the writer; the connection's drain then completed the writer and the last answer of
/// the burst was dropped ("closed the connection before answering", about one round in two).
/// </summary>
[Trait("Category", "Socket")]
public class V2HalfCloseTests
{
    [Fact]
    public async Task AHalfCloseStillAnswersEveryRequestInFlightBeforeTheServerCloses()
    {
        await using var server = await TestServer.StartAsync();
        byte[] input = File.ReadAllBytes(Vectors.Get("syn_checker1_301x99.bmp").InputPath);
        const int Requests = 20;
        for (int round = 0; round < 10; round++)
        {
            (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
            await using (client)
            {
                for (uint id = 1; id <= Requests; id++)
                {
                    await client.SendAsync(V2Op.Compress, id, V2RequestOptions.None, input);
                }

                client.Frames.ShutdownSend();
                var answered = new HashSet<uint>();
                while (await client.Frames.ReadAnswerOrEndAsync() is { } raw)
                {
                    V2Answer answer = V2Messages.ParseAnswer(new ReadOnlySequence<byte>([(byte)raw.Status, .. raw.Body]));
                    Assert.Equal(ResponseStatus.Ok, answer.Status);
                    Assert.True(answered.Add(answer.Id), $"request {answer.Id} was answered twice");
                }

                Assert.True(answered.Count == Requests, $"round {round}: {answered.Count} of {Requests} requests answered before the server closed");
            }
        }
    }
}
