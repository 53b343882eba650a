using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RleTcp.Protocol.Framing;
using RleTcp.Server.Configuration;
using RleTcp.Server.Diagnostics;

namespace RleTcp.Server.Execution;

/// <summary>
/// The dedicated executor: <see cref="Workers"/> threads of its own, fed by bounded per-client request queues served
/// round-robin, plus a queue of band tickets for parallel parts of large jobs. All image work runs here, so a burst of
/// heavy requests cannot starve the thread pool that runs the sockets.
/// </summary>
/// <remarks>
/// Fairness: each connection submits through its own <see cref="RequestSource"/>; a free worker takes the oldest job of
/// the next source in a ring, so with many sources waiting, a client with 64 queued 100-megapixel images gets one
/// worker turn per round like everyone else and a light client waits at most for the jobs already running, not for the
/// heavy client's whole queue (which FIFO made 15 s). One source may hold at most a quarter of
/// <see cref="RleTcpServerOptions.QueueCapacity"/> queued (at least one); beyond that it is answered Busy.
/// A worker always prefers a queued request to a band ticket: a small request then waits at most for the band a
/// worker is running, not for a whole large image (head-of-line). The thread that owns a large job runs its bands
/// itself while idle workers help, and only waits for bands already running elsewhere, so the executor cannot
/// deadlock even when every worker holds a large job. When the request queue is full, <see cref="TrySubmit(PooledPayload, RequestSource, out Task{ServerResponse})"/>
/// fails at once and the caller answers Busy instead of the queue growing. A built answer is charged to the
/// <see cref="AnswerBytesBudget"/> until sent; one that does not fit is answered Busy instead.
/// </remarks>
public sealed partial class RequestExecutor : IBandScheduler, IExecutorLoad, IDisposable
{
    /// <summary>How long <see cref="Dispose"/> waits for the workers before abandoning those still running.</summary>
    public static readonly TimeSpan WorkerStopTimeout = TimeSpan.FromSeconds(2);

    // Sources with queued jobs, in turn order. Guarded by _submitGate, which also orders submissions against Dispose:
    // a job is either queued before the stop flag is set (then a worker runs it or Dispose drains it) or refused; none
    // can slip in after the drain and sit there until its deadline.
    private readonly Queue<RequestSource> _ring = new();
    private readonly Lock _submitGate = new();
    private readonly RequestSource _shared = new();
    private readonly ConcurrentQueue<BandGroup> _bandTickets = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly Thread[] _threads;
    private readonly IRequestProcessor _processor;
    private readonly ILogger<RequestExecutor> _logger;
    private readonly TimeSpan _requestTimeout;
    private readonly DeadlinePool _deadlines;
    private readonly int _capacity;
    private readonly int _capacityPerSource;
    private readonly AnswerBytesBudget _answers;
    private readonly RleTcpMetrics _metrics;
    private int _queued;
    private int _busy;
    private volatile bool _stopping;

    /// <summary>Starts the worker threads.</summary>
    /// <param name="options">Workers, queue capacity and request timeout.</param>
    /// <param name="processor">The work done per request.</param>
    /// <param name="logger">The executor's log.</param>
    /// <param name="metrics">The server's instruments.</param>
    /// <param name="answers">The budget built answers are charged to until sent; null: one of
    /// <see cref="RleTcpServerOptions.MaxBufferedAnswerBytes"/>.</param>
    public RequestExecutor(
        IOptions<RleTcpServerOptions> options,
        IRequestProcessor processor,
        ILogger<RequestExecutor> logger,
        RleTcpMetrics metrics,
        AnswerBytesBudget? answers = null)
    {
        RleTcpServerOptions o = options.Value;
        _metrics = metrics;
        metrics.Observe(this);
        _processor = processor;
        _logger = logger;
        _requestTimeout = o.RequestTimeout;
        _capacity = o.QueueCapacity;
        _capacityPerSource = Math.Max(1, o.QueueCapacity / 4);
        _answers = answers ?? new AnswerBytesBudget(o.MaxBufferedAnswerBytes);
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

    /// <summary>The budget of built, unsent answers.</summary>
    public AnswerBytesBudget Answers => _answers;

    /// <summary>The server's own processor (what a request without a processor of its own runs).</summary>
    internal IRequestProcessor Processor => _processor;

    /// <summary>A new client's place in the executor: one per connection, so connections take turns.</summary>
    public RequestSource CreateSource() => new();

    /// <summary>
    /// Queues <paramref name="payload"/> as a request of the shared in-process source (for tests and in-process callers).
    /// See <see cref="TrySubmit(PooledPayload, RequestSource, out Task{ServerResponse})"/>.
    /// </summary>
    public bool TrySubmit(PooledPayload payload, out Task<ServerResponse> response) => TrySubmit(payload, _shared, out response);

    /// <summary>
    /// Queues <paramref name="payload"/> for processing in <paramref name="source"/>'s turn. Returns false when the
    /// queue or the source's share of it is full, or the executor is stopping; the payload then still belongs to the
    /// caller. On success the executor owns and releases it.
    /// </summary>
    public bool TrySubmit(PooledPayload payload, RequestSource source, out Task<ServerResponse> response) =>
        TrySubmit(payload, source, 0, processor: null, _requestTimeout, CancellationToken.None, timeoutMessage: null, out response);

    /// <summary>
    /// As <see cref="TrySubmit(PooledPayload, RequestSource, out Task{ServerResponse})"/>, for a request whose input
    /// starts at <paramref name="bodyStart"/>, with its own <paramref name="processor"/> (null: the server's), a time
    /// limit no longer than the server's, and a <paramref name="cancel"/> token (CANCEL, a closed connection) that
    /// answers it Cancelled and frees its worker at the next row or band. <paramref name="continueInline"/>: the task's
    /// continuations run on the thread that completes it (a worker, or the deadline's timer) instead of being queued to
    /// the thread pool; only for a connection's answer writer, whose continuation sends what the socket takes at once
    /// (at most the output pipe's pause threshold is buffered) and returns at its first flush that has to wait.
    /// </summary>
    internal bool TrySubmit(
        PooledPayload payload,
        RequestSource source,
        int bodyStart,
        IRequestProcessor? processor,
        TimeSpan timeout,
        CancellationToken cancel,
        string? timeoutMessage,
        out Task<ServerResponse> response,
        bool continueInline = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        response = null!;
        if (timeout > _requestTimeout)
        {
            timeout = _requestTimeout; // a request can only tighten the operator's limit
        }

        lock (_submitGate)
        {
            // The shared source stands for every in-process caller at once, so only the whole queue bounds it.
            int share = ReferenceEquals(source, _shared) ? _capacity : _capacityPerSource;
            if (_stopping || _queued >= _capacity || source.Jobs.Count >= share)
            {
                return false;
            }

            var job = new ExecutorJob(payload, source, bodyStart, _deadlines, timeout, processor, cancel, timeoutMessage, continueInline);
            response = job.Completion;
            source.Jobs.Enqueue(job);
            if (!source.InRing)
            {
                source.InRing = true;
                _ring.Enqueue(source);
            }

            Volatile.Write(ref _queued, _queued + 1);
        }

        _available.Release();
        return true;
    }

    /// <inheritdoc/>
    public bool HasIdleWorker =>
        Volatile.Read(ref _busy) < _threads.Length && Volatile.Read(ref _queued) == 0 && _bandTickets.IsEmpty;

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
    /// Stops accepting requests and waits for the workers, which leave only once both queues are empty: every request
    /// accepted before this is run and answered. The wait is bounded by <see cref="WorkerStopTimeout"/>: a worker stuck
    /// in a decoder is abandoned (a background thread, it cannot keep the process alive) and logged, and what is still
    /// queued then is answered Busy. Called by the host after the listener has drained its connections, so an abandoned
    /// worker's answer has no one left to receive it.
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
        long deadline = Stopwatch.GetTimestamp() + (long)(WorkerStopTimeout.TotalSeconds * Stopwatch.Frequency);
        int abandoned = 0;
        foreach (Thread thread in _threads)
        {
            TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (!thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                abandoned++;
            }
        }

        if (abandoned > 0)
        {
            LogWorkersAbandoned(abandoned, WorkerStopTimeout.TotalMilliseconds);
        }

        // Only after an abandoned worker: otherwise the workers left with both queues empty.
        while (TryDequeue(out ExecutorJob? job))
        {
            job.TryComplete(ServerResponse.Error(ResponseStatus.Busy, "The server is shutting down."));
            job.Finish();
        }

        // The semaphore is not disposed: it never allocated a wait handle, and a late Release must not throw.
    }

    // The oldest job of the source whose turn it is; the source goes to the back of the ring if it has more.
    private bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ExecutorJob? job)
    {
        lock (_submitGate)
        {
            if (!_ring.TryDequeue(out RequestSource? source))
            {
                job = null;
                return false;
            }

            job = source.Jobs.Dequeue();
            if (source.Jobs.Count > 0)
            {
                _ring.Enqueue(source);
            }
            else
            {
                source.InRing = false;
            }

            Volatile.Write(ref _queued, _queued - 1);
            return true;
        }
    }

    private void WorkerLoop()
    {
        while (true)
        {
            _available.Wait();

            // One semaphore count per queued item of either kind, so a woken worker always finds one, unless stopping.
            if (TryDequeue(out ExecutorJob? job))
            {
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
            response = (job.Processor ?? _processor).Process(job.Payload.Memory[job.BodyStart..], this, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            ResponseStatus stopped = job.WasCancelled ? ResponseStatus.Cancelled : ResponseStatus.Timeout;
            LogRequestStopped(job.Payload.Length, stopped, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            _metrics.Processed(started, stopped);
            job.Finish();
            job.CompleteTimedOut();
            return;
        }
        catch (Exception e)
        {
            LogProcessorFault(e, job.Payload.Length);
            response = ServerResponse.Error(ResponseStatus.InternalError, "The server failed to process the request.");
        }

        if (!response.TryChargeTo(_answers, job.Source))
        {
            LogAnswerOverBudget(response.BodyLength, job.Source.UnsentAnswerBytes, _answers.Used, _answers.Capacity);
            response.Dispose();
            _metrics.Busy(RleTcpMetrics.BusyReason.AnswerBudget);
            response = ServerResponse.Error(
                ResponseStatus.Busy, "The server is holding as many unsent answer bytes as it allows (read your answers, or retry later).");
        }

        _metrics.Processed(started, response.Status);

        // The payload goes back to the pool (and the budget) before the answer is sent: the answer no longer needs it.
        job.Finish();
        job.TryComplete(response);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing a request of {PayloadBytes} bytes failed")]
    private partial void LogProcessorFault(Exception exception, int payloadBytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "An answer of {BodyBytes} bytes does not fit the answer budget (its connection holds {ConnectionBytes}, all {Used} of {Capacity}); Busy")]
    private partial void LogAnswerOverBudget(long bodyBytes, long connectionBytes, long used, long capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Workers} executor workers did not stop within {TimeoutMs} ms (stuck in a decoder?); abandoned")]
    private partial void LogWorkersAbandoned(int workers, double timeoutMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A request of {PayloadBytes} bytes stopped ({Reason}) after {ElapsedMs:F0} ms of processing")]
    private partial void LogRequestStopped(int payloadBytes, ResponseStatus reason, double elapsedMs);
}
