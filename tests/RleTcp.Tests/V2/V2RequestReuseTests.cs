using RleTcp.Protocol.Framing;
using RleTcp.Protocol.V2;
using RleTcp.Tests.Support;

namespace RleTcp.Tests.V2;

/// <summary>
/// The v2 session reuses each request's state (its in-flight entry and cancel source) for later requests: no
/// request's cancellation or deadline may ever reach the next one, whatever the order of answers, CANCELs and ids.
/// </summary>
[Trait("Category", "Socket")]
public class V2RequestReuseTests
{
    [Fact]
    public async Task ARequestSentRightAfterACancelAndTheCancelledIdSentAgainAreBothAnsweredOk()
    {
        var processor = new ScriptedProcessor();
        await using var server = await TestServer.StartAsync(processor: processor);
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            for (int round = 0; round < 30; round++)
            {
                await client.SendAsync(V2Op.Compress, 7, V2RequestOptions.None, ScriptedProcessor.UntilCancelled);
                await processor.WaitEnteredAsync();
                byte[] next = ScriptedProcessor.Echo($"next {round}");
                await client.SendAsync([
                    .. V2RawClient.Request(V2Op.Cancel, 8, V2RequestOptions.None, V2RawClient.CancelBody(7)),
                    .. V2RawClient.Request(V2Op.Compress, 9, V2RequestOptions.None, next)]);
                Dictionary<uint, V2Answer> answers = await ReadAsync(client, 3);
                byte[] again = ScriptedProcessor.Echo($"again {round}");
                V2Answer sameId = await client.CallAsync(V2Op.Compress, 7, V2RequestOptions.None, again);

                Assert.Equal(ResponseStatus.Cancelled, answers[7].Status);
                Assert.Equal((ResponseStatus.Ok, (bool?)true), (answers[8].Status, answers[8].Fields.Cancelled));
                Assert.Equal(ResponseStatus.Ok, answers[9].Status);
                Assert.Equal(next, answers[9].Body);
                Assert.Equal(ResponseStatus.Ok, sameId.Status);
                Assert.Equal(again, sameId.Body);
                await processor.WaitEnteredAsync(2);
            }
        }
    }

    [Fact]
    public async Task AfterADeadlineAnswersTimeoutWhileItsWorkerStillRunsTheSameIdIsNeitherTimedOutNorDeafToCancel()
    {
        var processor = new ScriptedProcessor();
        await using var server = await TestServer.StartAsync(processor: processor);
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            for (int round = 0; round < 6; round++)
            {
                // Answered Timeout by the deadline's timer while its worker goes on for 150 ms: its entry is reused at once.
                V2Answer late = await client.CallAsync(V2Op.Compress, 5, new V2RequestOptions { DeadlineMs = 20 }, ScriptedProcessor.Stubborn());

                // The next request with that id waits for its own cancellation, which comes only after the timed-out
                // job has finished (and let go of what it had registered on the reused entry).
                await client.SendAsync(V2Op.Compress, 5, V2RequestOptions.None, ScriptedProcessor.UntilCancelled);
                await processor.WaitEnteredAsync(2);
                await Eventually.TrueAsync(() => server.Executor.BusyWorkers == 1);
                await client.SendAsync(V2Op.Cancel, 6, V2RequestOptions.None, V2RawClient.CancelBody(5));
                Dictionary<uint, V2Answer> answers = await ReadAsync(client, 2);

                // Longer than the first deadline, on the same id: must not inherit it.
                byte[] body = ScriptedProcessor.Stubborn($"in time {round}");
                V2Answer inTime = await client.CallAsync(V2Op.Compress, 5, V2RequestOptions.None, body);
                await processor.WaitEnteredAsync();

                Assert.Equal(ResponseStatus.Timeout, late.Status);
                Assert.Contains("deadline of 20 ms", late.Message);
                Assert.Equal(ResponseStatus.Cancelled, answers[5].Status);
                Assert.Equal((bool?)true, answers[6].Fields.Cancelled);
                Assert.Equal(ResponseStatus.Ok, inTime.Status);
                Assert.Equal(body, inTime.Body);
            }
        }
    }

    [Fact]
    public async Task ManyInterleavedRequestsReusingTheirIdsEachGetTheirOwnAnswer()
    {
        var processor = new ScriptedProcessor();
        await using var server = await TestServer.StartAsync(processor: processor);
        (V2RawClient client, _) = await V2RawClient.ConnectAsync(server);
        await using (client)
        {
            const int PerRound = 8;
            for (int round = 0; round < 25; round++)
            {
                // Ids move between kinds from round to round, so each entry serves cancelled, timed-out and plain requests.
                var frames = new List<byte>();
                var expected = new Dictionary<uint, (ResponseStatus Status, byte[]? Body)>();
                int cancels = 0;
                for (int i = 0; i < PerRound; i++)
                {
                    uint id = (uint)((i + round) % PerRound);
                    switch ((i + (round / 2)) % 4)
                    {
                        case 0:
                            frames.AddRange(V2RawClient.Request(V2Op.Compress, id, V2RequestOptions.None, ScriptedProcessor.UntilCancelled));
                            frames.AddRange(V2RawClient.Request(V2Op.Cancel, 100 + id, V2RequestOptions.None, V2RawClient.CancelBody(id)));
                            expected[id] = (ResponseStatus.Cancelled, null);
                            expected[100 + id] = (ResponseStatus.Ok, []);
                            cancels++;
                            break;
                        case 1:
                            frames.AddRange(V2RawClient.Request(V2Op.Compress, id, new V2RequestOptions { DeadlineMs = 15 }, ScriptedProcessor.UntilCancelled));
                            expected[id] = (ResponseStatus.Timeout, null);
                            break;
                        default:
                            byte[] echo = ScriptedProcessor.Echo($"round {round} request {i}");
                            frames.AddRange(V2RawClient.Request(V2Op.Compress, id, V2RequestOptions.None, echo));
                            expected[id] = (ResponseStatus.Ok, echo);
                            break;
                    }
                }

                await client.SendAsync([.. frames]);
                Dictionary<uint, V2Answer> answers = await ReadAsync(client, PerRound + cancels);

                Assert.Equal(expected.Keys.Order(), answers.Keys.Order());
                foreach ((uint id, (ResponseStatus status, byte[]? body)) in expected)
                {
                    Assert.True(status == answers[id].Status, $"round {round}, id {id}: {answers[id].Status} ({answers[id].Message}), expected {status}");
                    if (body is not null)
                    {
                        Assert.Equal(body, answers[id].Body);
                    }

                    if (id >= 100)
                    {
                        Assert.Equal((bool?)true, answers[id].Fields.Cancelled);
                    }
                }
            }
        }
    }

    // Reads count answers (in any order) by id.
    private static async Task<Dictionary<uint, V2Answer>> ReadAsync(V2RawClient client, int count)
    {
        var answers = new Dictionary<uint, V2Answer>();
        for (int i = 0; i < count; i++)
        {
            V2Answer answer = await client.ReadAsync();
            Assert.True(answers.TryAdd(answer.Id, answer), $"Two answers for id {answer.Id}.");
        }

        return answers;
    }
}
