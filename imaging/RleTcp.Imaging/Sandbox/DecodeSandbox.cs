using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RleTcp.Protocol.Bits;

namespace RleTcp.Imaging.Sandbox;

/// <summary>
/// Library decodes in a bounded pool of pre-started, reused worker processes (the textbook's ProcessPoolExecutor,
/// done properly): each worker has a capped managed heap, one request at a time, and is killed and replaced when
/// its request's deadline passes; a worker that dies answers its request with <see cref="DecodeSandboxException"/>
/// and is replaced. Waiting for a free worker is bounded by the same deadline.
/// </summary>
/// <remarks>
/// Whatever a decoder does (loop forever, allocate without end, crash), the caller gets its answer by the
/// deadline and the pool keeps its size. Thread-safe; dispose to kill the workers.
/// </remarks>
public sealed partial class DecodeSandbox : ILibraryDecoder, IDisposable
{
    private readonly DecodeSandboxOptions _options;
    private readonly DecodeWorkerCommand _command;
    private readonly ILogger _logger;
    private readonly IDecodeSandboxMonitor? _monitor;
    private readonly SemaphoreSlim _slots;
    private readonly Stack<DecodeWorkerProcess> _idle = new();
    private readonly Lock _lock = new();
    private int _busy;
    private int _live;
    private bool _disposed;

    /// <summary>
    /// Starts <see cref="DecodeSandboxOptions.Processes"/> workers at once (their runtimes start in the background),
    /// unless <see cref="DecodeSandboxOptions.PreStart"/> is false.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="DecodeSandboxException">No worker can be found or started.</exception>
    public DecodeSandbox(DecodeSandboxOptions options, ILogger<DecodeSandbox>? logger = null, IDecodeSandboxMonitor? monitor = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _command = options.Command ?? DecodeWorkerCommand.Resolve();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _monitor = monitor;
        _slots = new SemaphoreSlim(options.Processes, options.Processes);
        for (int i = 0; options.PreStart && i < options.Processes; i++)
        {
            _idle.Push(StartWorker(replacement: false));
        }

        LogStarted(options.Processes, options.MemoryLimitBytes >> 20, _command.FileName);
        if (!Formats.TurboJpeg.IsAvailable)
        {
            // The workers run on this machine: what this process cannot load, they cannot either.
            LogNoTurboJpeg();
        }
        else if (!Formats.JpegScanlines.IsAvailable)
        {
            LogNoJpegScanlines();
        }
    }

    /// <summary>The pool's size.</summary>
    public int Processes => _options.Processes;

    /// <summary>Worker processes started and not yet ended.</summary>
    public int LiveWorkers => Volatile.Read(ref _live);

    /// <summary>Idle worker processes that have started and warmed up: the next requests are served without waiting.</summary>
    public int ReadyWorkers
    {
        get
        {
            lock (_lock)
            {
                return _idle.Count(w => w.IsReady);
            }
        }
    }

    /// <summary>Worker processes decoding a request now.</summary>
    public int BusyWorkers => Volatile.Read(ref _busy);

    /// <summary>The process ids of the workers decoding a request now (for diagnostics and tests).</summary>
    public IReadOnlyList<int> BusyWorkerIds
    {
        get
        {
            lock (_lock)
            {
                return [.. _busyWorkers.Select(w => w.Id)];
            }
        }
    }

    private readonly HashSet<DecodeWorkerProcess> _busyWorkers = [];

    /// <inheritdoc/>
    public BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, CancellationToken ct) =>
        Decode(data, options, ConversionRequest.None, ct);

    /// <inheritdoc/>
    public BitImage Decode(ReadOnlyMemory<byte> data, IntakeOptions options, ConversionRequest conversion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(conversion);
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Bounded by the request's deadline: a full pool answers Timeout, never waits forever.
        _slots.Wait(ct);
        DecodeWorkerProcess? worker = null;
        long started = Stopwatch.GetTimestamp();
        try
        {
            worker = TakeWorker();
            BitImage image = worker.Decode(data, options, conversion, ct);
            return image;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && worker is not null)
        {
            LogKilledAtDeadline(worker.Id, data.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
        catch (DecodeSandboxException e) when (worker is not null)
        {
            LogWorkerDied(e, worker.Id, data.Length);
            throw;
        }
        finally
        {
            if (worker is not null)
            {
                ReturnWorker(worker, ct.IsCancellationRequested);
            }

            _slots.Release();
        }
    }

    /// <summary>Kills every worker; decodes in progress end with <see cref="DecodeSandboxException"/>.</summary>
    public void Dispose()
    {
        DecodeWorkerProcess[] idle;
        DecodeWorkerProcess[] busy;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
            busy = [.. _busyWorkers];
        }

        // A busy worker's request ends at once (its caller ends it), so a shutdown never waits for a decoder.
        foreach (DecodeWorkerProcess worker in busy)
        {
            worker.Kill();
        }

        foreach (DecodeWorkerProcess worker in idle)
        {
            End(worker, DecodeWorkerEnd.Shutdown);
        }
    }

    private DecodeWorkerProcess TakeWorker()
    {
        DecodeWorkerProcess? worker = null;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.Count > 0)
            {
                worker = _idle.Pop();
            }
        }

        // Only after a failed start (replacement could not be made then); normally the pool is full.
        worker ??= StartWorker(replacement: true);
        lock (_lock)
        {
            _busyWorkers.Add(worker);
        }

        Interlocked.Increment(ref _busy);
        return worker;
    }

    private void ReturnWorker(DecodeWorkerProcess worker, bool cancelled)
    {
        Interlocked.Decrement(ref _busy);
        lock (_lock)
        {
            _busyWorkers.Remove(worker);
            if (worker.Usable && !_disposed)
            {
                _idle.Push(worker);
                return;
            }
        }

        DecodeWorkerEnd reason = cancelled ? DecodeWorkerEnd.Deadline
            : _disposed ? DecodeWorkerEnd.Shutdown
            : worker.HitMemoryCap ? DecodeWorkerEnd.MemoryCap
            : DecodeWorkerEnd.Crashed;
        End(worker, reason);
        if (_disposed)
        {
            return;
        }

        // Pre-start the replacement now, so the next request does not wait for a runtime to start.
        try
        {
            DecodeWorkerProcess fresh = StartWorker(replacement: true);
            lock (_lock)
            {
                if (!_disposed)
                {
                    _idle.Push(fresh);
                    return;
                }
            }

            End(fresh, DecodeWorkerEnd.Shutdown);
        }
        catch (DecodeSandboxException e)
        {
            // The next request tries again (and answers InternalError if it cannot either).
            LogReplacementFailed(e);
        }
    }

    private DecodeWorkerProcess StartWorker(bool replacement)
    {
        DecodeWorkerProcess worker = DecodeWorkerProcess.Start(_command, _options.MemoryLimitBytes, _logger);
        Interlocked.Increment(ref _live);
        _monitor?.WorkerStarted(replacement);
        LogWorkerStarted(worker.Id, replacement);
        return worker;
    }

    private void End(DecodeWorkerProcess worker, DecodeWorkerEnd reason)
    {
        worker.Dispose();
        Interlocked.Decrement(ref _live);
        _monitor?.WorkerEnded(reason);
        LogWorkerEnded(worker.Id, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Decode sandbox: {Processes} worker processes, {MemoryLimitMiB} MiB heap cap each, started as {WorkerCommand}")]
    private partial void LogStarted(int processes, long memoryLimitMiB, string workerCommand);

    [LoggerMessage(Level = LogLevel.Warning, Message = "libturbojpeg.so.0 (Debian libturbojpeg0) is not installed: JPEG is decoded by ImageSharp, whose pixels are not Pillow's")]
    private partial void LogNoTurboJpeg();

    [LoggerMessage(Level = LogLevel.Warning, Message = "librletcp_jpeg.so (built with the application when gcc and libjpeg62-turbo-dev are present) or libjpeg.so.62 is missing: JPEG decodes through TurboJPEG a whole image before its dither starts (the same bits, slower)")]
    private partial void LogNoJpegScanlines();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Decode worker {WorkerPid} started (replacement: {Replacement})")]
    private partial void LogWorkerStarted(int workerPid, bool replacement);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Decode worker {WorkerPid} ended: {Reason}")]
    private partial void LogWorkerEnded(int workerPid, DecodeWorkerEnd reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Decode worker {WorkerPid} killed at the deadline of a {PayloadBytes}-byte image after {ElapsedMs:F0} ms")]
    private partial void LogKilledAtDeadline(int workerPid, int payloadBytes, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Decode worker {WorkerPid} died decoding a {PayloadBytes}-byte image")]
    private partial void LogWorkerDied(Exception exception, int workerPid, int payloadBytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "A replacement decode worker could not be started")]
    private partial void LogReplacementFailed(Exception exception);
}
