using System.Diagnostics;
using RleTcp.Cli.Common;
using RleTcp.Client;
using RleTcp.Protocol.Framing;

namespace RleTcp.Cli.Load;

/// <summary>
/// Runs a load test: <c>Connections × Pipeline</c> workers, each with at most one request in flight, so each
/// connection carries up to <c>Pipeline</c> pipelined requests. Closed loop by default; with a rate, request i is
/// due at <c>start + i / rate</c> and its latency is measured from that intended time, so a stalled server shows
/// up as latency instead of silently slowing the sender (coordinated omission).
/// </summary>
internal sealed class LoadRunner(LoadSettings settings)
{
    private long _next = -1;
    private long _start;
    private long _deadline;
    private long _limit;
    private double _ticksPerRequest;

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        var options = settings.Server.ClientOptions(new RleTcpClientOptions
        {
            RequestTimeout = settings.Timeout, ConnectTimeout = TimeSpan.FromSeconds(5), Protocol = settings.Protocol.ToClient(),
        });
        if (settings.Protocol == WireProtocol.Textbook)
        {
            // One connection per request, as the chapter's client does: Connections x Pipeline requests at once.
            var textbook = new RleTcpTextbookClient(new RleTcpEndpoint(settings.Server.Host, settings.Server.Port), options);
            return await RunWorkersAsync(payload => SendTextbookAsync(textbook, payload), abort: null, retries: () => 0, cancellationToken);
        }

        // The pool re-sends a request whose connection died (a server behind a load balancer going away)
        // on another connection, and retries Busy with backoff; the report counts those retries.
        await using var client = new RleTcpClientPool(
            [new RleTcpEndpoint(settings.Server.Host, settings.Server.Port)], settings.Connections, options, RleTcpRetryPolicy.Default);
        try
        {
            // Connect everything first: an unreachable server is one clear error, and connection set-up is not measured.
            await client.ConnectAsync(cancellationToken);
        }
        catch (RleTcpConnectionException ex)
        {
            return LoadResult.Unreachable(ex.Message);
        }

        return await RunWorkersAsync(
            payload => client.SendAsync(payload.Data, settings.Request ?? RleTcp.Protocol.V2.V2RequestOptions.None, CancellationToken.None),
            client.Abort, () => client.Retries, cancellationToken);
    }

    // An answer is always OK on this wire; its only refusal, a close without a byte, is thrown (see WorkAsync).
    private static async Task<RleTcpResponse> SendTextbookAsync(RleTcpTextbookClient client, LoadPayload payload)
    {
        RleCompressionResult result = await client.CompressAsync(payload.Data, CancellationToken.None).ConfigureAwait(false);
        return new RleTcpResponse(ResponseStatus.Ok, result.Rle);
    }

    private async Task<LoadResult> RunWorkersAsync(
        Func<LoadPayload, Task<RleTcpResponse>> send, Action? abort, Func<long> retries, CancellationToken cancellationToken)
    {
        _limit = settings.Requests ?? long.MaxValue;
        _ticksPerRequest = settings.Rate is { } rate ? Stopwatch.Frequency / rate : 0;
        _start = Stopwatch.GetTimestamp();
        _deadline = settings.Duration is { } duration ? _start + (long)(duration.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;

        var workers = new WorkerStats[settings.Connections * settings.Pipeline];
        var tasks = new Task[workers.Length];
        for (int i = 0; i < workers.Length; i++)
        {
            WorkerStats stats = workers[i] = new WorkerStats();
            tasks[i] = Task.Run(() => WorkAsync(send, stats, cancellationToken), CancellationToken.None);
        }

        // Bounded: after the last request is issued, answers get the request timeout plus a margin, then the
        // connections are cut and whatever is still pending is counted as failed.
        Task all = Task.WhenAll(tasks);
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(200, CancellationToken.None));
            bool overdue = settings.Duration is not null && Stopwatch.GetElapsedTime(_deadline) > settings.Timeout + TimeSpan.FromSeconds(2);
            // The textbook client has no connection to cut (abort is null): each request's own deadline bounds it.
            if (abort is not null && (overdue || cancellationToken.IsCancellationRequested))
            {
                abort();
                break;
            }
        }

        await all;
        TimeSpan elapsed = Stopwatch.GetElapsedTime(_start);

        var total = new WorkerStats();
        foreach (WorkerStats worker in workers)
        {
            total.Add(worker);
        }

        return new LoadResult(settings, total, elapsed, null) { Retries = retries() };
    }

    private async Task WorkAsync(Func<LoadPayload, Task<RleTcpResponse>> send, WorkerStats stats, CancellationToken cancellationToken)
    {
        IReadOnlyList<LoadPayload> payloads = settings.Payloads;
        while (!cancellationToken.IsCancellationRequested)
        {
            long i = Interlocked.Increment(ref _next);
            if (i >= _limit)
            {
                return;
            }

            long intended;
            if (_ticksPerRequest > 0)
            {
                intended = _start + (long)(i * _ticksPerRequest);
                if (intended >= _deadline)
                {
                    return;
                }

                long wait = intended - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    // Rounded up to whole milliseconds, the timer's resolution; it may still wake a little early.
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait * 1000.0 / Stopwatch.Frequency)), CancellationToken.None);
                }
            }
            else
            {
                intended = Stopwatch.GetTimestamp();
                if (intended >= _deadline)
                {
                    return;
                }
            }

            LoadPayload payload = payloads[(int)(i % payloads.Count)];
            try
            {
                // From the intended time when the send is late (coordinated omission), from the actual send when
                // the timer woke early (the runtime's timers tick in milliseconds): never less than the round trip.
                long from = Math.Min(intended, Stopwatch.GetTimestamp());
                RleTcpResponse response = await send(payload);
                stats.Latency.Record((Stopwatch.GetTimestamp() - from) * 1_000_000 / Stopwatch.Frequency);
                stats.BytesOut += payload.Data.Length + 8;
                stats.BytesIn += response.Body.Length + 9;
                Check(payload, response, stats);
            }
            catch (ObjectDisposedException)
            {
                return; // the run was cut off
            }
            catch (RleTcpConnectionException ex) when (ex.Error == RleTcpConnectionError.Closed && settings.Protocol == WireProtocol.Textbook)
            {
                // Closed without a byte: the textbook server refused the image (or was over its connection cap).
                stats.Error("closed without an answer");
                if (payload.Verify)
                {
                    stats.Verified++;
                    if (payload.Expected is not null)
                    {
                        stats.Mismatches++;
                    }
                }
            }
            catch (RleTcpConnectionException ex)
            {
                stats.Error(ex.Error switch
                {
                    RleTcpConnectionError.ConnectFailed or RleTcpConnectionError.ConnectTimeout => "connect",
                    RleTcpConnectionError.RequestTimeout => "timeout",
                    RleTcpConnectionError.Disposed => "cut off at the end",
                    RleTcpConnectionError.ResponseTooLarge or RleTcpConnectionError.ProtocolViolation => "protocol",
                    _ => "closed",
                });
            }
        }
    }

    private static void Check(LoadPayload payload, RleTcpResponse response, WorkerStats stats)
    {
        if (response.IsOk)
        {
            stats.Ok++;
        }
        else
        {
            stats.Error(response.Status.ToString());
        }

        if (!payload.Verify)
        {
            return;
        }

        // Only answers about the image itself are compared: OK against the local bytes, a refusal against the
        // local intake refusing too. Busy, Timeout and InternalError say nothing about the image (counted above).
        bool judged = response.Status is ResponseStatus.Ok or ResponseStatus.InvalidImage or ResponseStatus.ImageTooLarge;
        if (!judged)
        {
            return;
        }

        stats.Verified++;
        bool matches = response.IsOk
            ? payload.Expected is { } expected && response.Body.AsSpan().SequenceEqual(expected)
            : payload.Expected is null;
        if (!matches)
        {
            stats.Mismatches++;
        }
    }
}
