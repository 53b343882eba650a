using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Configuration;
using RleTcp.Server.Diagnostics;

namespace RleTcp.Server.Execution;

/// <summary>
/// The dedicated executor: <see cref="Workers"/> threads of its own, fed by a bounded request queue, plus a queue of
/// band tickets for parallel parts of large jobs. All image work runs here, so a burst of heavy requests cannot starve
/// the thread pool that runs the sockets.
/// </summary>
/// <remarks>
/// A worker always prefers a queued request to a band ticket: a small request then waits at most for the band a
/// worker is running, not for a whole large image (head-of-line). The thread that owns a large job runs its bands
/// itself while idle workers help, and only waits for bands already running elsewhere, so the executor cannot
/// deadlock even when every worker holds a large job. When the request queue is full, <see cref="TrySubmit"/> fails
/// at once and the caller answers Busy instead of the queue growing.
/// </remarks>
public sealed partial class RequestExecutor : IBandScheduler, IExecutorLoad, IDisposable
{
    private readonly ConcurrentQueue<ExecutorJob> _requests = new();
    private readonly ConcurrentQueue<BandGroup> _bandTickets = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly Thread[] _threads;
    private readonly IRequestProcessor _processor;
    private readonly ILogger<RequestExecutor> _logger;
    private readonly TimeSpan _requestTimeout;
    private readonly DeadlinePool _deadlines;
    private readonly int _capacity;
    private readonly RleTcpMetrics _metrics;
    // Orders submissions against Dispose: a job is either queued before the stop flag is set (then a worker runs it or
    // Dispose drains it) or refused; none can slip in after the drain and sit there until its deadline.
    private readonly Lock _submitGate = new();
    private int _queued;
    private int _busy;
    private volatile bool _stopping;

    /// <summary>Starts the worker threads.</summary>
    public RequestExecutor(
        IOptions<RleTcpServerOptions> options, IRequestProcessor processor, ILogger<RequestExecutor> logger, RleTcpMetrics metrics)
    {
        RleTcpServerOptions o = options.Value;
        _metrics = metrics;
        metrics.Observe(this);
        _processor = processor;
        _logger = logger;
        _requestTimeout = o.RequestTimeout;
        _capacity = o.QueueCapacity;
        _threads = new Thread[o.Workers];

        // Enough for every job that can be in the executor at once (queued or running).
        _deadlines = new DeadlinePool(o.QueueCapacity + o.Workers);
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"rletcp-worker-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>The number of worker threads.</summary>
    public int Workers => _threads.Length;

    /// <summary>Requests waiting for a worker now.</summary>
    public int QueuedCount => Volatile.Read(ref _queued);

    /// <summary>Workers running a request or a band now.</summary>
    public int BusyWorkers => Volatile.Read(ref _busy);

    /// <summary>
    /// Queues <paramref name="payload"/> for processing. Returns false when the queue is full or the executor is
    /// stopping; the payload then still belongs to the caller. On success the executor owns and releases it.
    /// </summary>
    public bool TrySubmit(PooledPayload payload, out Task<ServerResponse> response)
    {
        response = null!;
        lock (_submitGate)
        {
            if (_stopping)
            {
                return false;
            }

            if (Interlocked.Increment(ref _queued) > _capacity)
            {
                Interlocked.Decrement(ref _queued);
                return false;
            }

            var job = new ExecutorJob(payload, _deadlines, _requestTimeout);
            response = job.Completion;
            _requests.Enqueue(job);
        }

        _available.Release();
        return true;
    }

    /// <inheritdoc/>
    public void Run(BandGroup group, CancellationToken cancellationToken)
    {
        group.SetCancellation(cancellationToken);
        int helpers = Math.Min(group.Count - 1, _threads.Length - 1);
        for (int i = 0; i < helpers; i++)
        {
            _bandTickets.Enqueue(group);
        }

        if (helpers > 0)
        {
            _available.Release(helpers);
        }

        group.Help();
        group.WaitAndThrow();
    }

    /// <summary>
    /// Stops the workers once they finish what they run; requests still queued are answered Busy. Called by the host
    /// after the listener has drained its connections.
    /// </summary>
    public void Dispose()
    {
        lock (_submitGate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
        }

        _available.Release(_threads.Length);
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        while (_requests.TryDequeue(out ExecutorJob? job))
        {
            job.TryComplete(ServerResponse.Error(ResponseStatus.Busy, "The server is shutting down."));
            job.Finish();
        }

        // The semaphore is not disposed: it never allocated a wait handle, and a late Release must not throw.
    }

    private void WorkerLoop()
    {
        while (true)
        {
            _available.Wait();

            // One semaphore count per queued item of either kind, so a woken worker always finds one, unless stopping.
            if (_requests.TryDequeue(out ExecutorJob? job))
            {
                Interlocked.Decrement(ref _queued);
                _metrics.Dequeued(job.EnqueuedTimestamp);
                Interlocked.Increment(ref _busy);
                Execute(job);
                Interlocked.Decrement(ref _busy);
            }
            else if (_bandTickets.TryDequeue(out BandGroup? group))
            {
                Interlocked.Increment(ref _busy);
                group.Help();
                Interlocked.Decrement(ref _busy);
            }
            else if (_stopping)
            {
                return;
            }
        }
    }

    private void Execute(ExecutorJob job)
    {
        CancellationToken cancellation = job.Cancellation;
        if (cancellation.IsCancellationRequested)
        {
            // Timed out while queued: never run.
            job.Finish();
            job.CompleteTimedOut();
            return;
        }

        long started = Stopwatch.GetTimestamp();
        ServerResponse response;
        try
        {
            response = _processor.Process(job.Payload.Memory, this, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            LogRequestTimedOut(job.Payload.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            _metrics.Processed(started, ResponseStatus.Timeout);
            job.Finish();
            job.CompleteTimedOut();
            return;
        }
        catch (Exception e)
        {
            LogProcessorFault(e, job.Payload.Length);
            response = ServerResponse.Error(ResponseStatus.InternalError, "The server failed to process the request.");
        }

        _metrics.Processed(started, response.Status);

        // The payload goes back to the pool (and the budget) before the answer is sent: the answer no longer needs it.
        job.Finish();
        job.TryComplete(response);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing a request of {PayloadBytes} bytes failed")]
    private partial void LogProcessorFault(Exception exception, int payloadBytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A request of {PayloadBytes} bytes ran out of time after {ElapsedMs:F0} ms of processing")]
    private partial void LogRequestTimedOut(int payloadBytes, double elapsedMs);
}
