using System.Diagnostics;

namespace RleTcp.Client;

public sealed partial class RleTcpClient
{
    /// <summary>
    /// Declares the connection dead (the first reason wins), closes the socket so both loops stop, and fails every
    /// request that was written and not answered. Requests still in the outbox are failed by the send loop.
    /// </summary>
    private void Fail(RleTcpConnectionException reason)
    {
        PendingRequest[] orphans;
        lock (_awaitingAnswer)
        {
            if (_failure is not null)
            {
                return;
            }

            Volatile.Write(ref _failure, reason);
            orphans = _awaitingAnswer.ToArray();
            _awaitingAnswer.Clear();
            _awaitingCount = 0;
        }

        _outbox.Writer.TryComplete();
        _watchdog?.Dispose();
        _socket.Dispose();
        foreach (PendingRequest orphan in orphans)
        {
            orphan.TrySetException(CopyOfFailure());
        }
    }

    // One exception object per failed request: an exception thrown from several awaits at once would have its
    // stack trace rewritten by each of them.
    private RleTcpConnectionException CopyOfFailure()
    {
        RleTcpConnectionException reason = Volatile.Read(ref _failure)
            ?? new RleTcpConnectionException(RleTcpConnectionError.Disposed, $"The client for {Remote} is closing.");
        return new RleTcpConnectionException(reason.Error, reason.Message, reason.InnerException);
    }

    private RleTcpConnectionException FailureForNewRequest() =>
        Volatile.Read(ref _disposed) == 0 && Volatile.Read(ref _failure) is { } reason
            ? new RleTcpConnectionException(reason.Error, $"The connection is no longer usable. {reason.Message}", reason.InnerException)
            : new RleTcpConnectionException(RleTcpConnectionError.Disposed, $"The client for {Remote} is disposed.");

    /// <summary>Answers come in order, so a late oldest answer means the server is stuck: fail the connection.</summary>
    private void CheckOldestRequest()
    {
        long sentAt;
        lock (_awaitingAnswer)
        {
            if (_failure is not null || !_awaitingAnswer.TryPeek(out PendingRequest? oldest))
            {
                return;
            }

            sentAt = oldest.SentTimestamp;
        }

        if (Stopwatch.GetElapsedTime(sentAt) > _options.RequestTimeout)
        {
            Fail(new RleTcpConnectionException(
                RleTcpConnectionError.RequestTimeout,
                $"No answer from {Remote} within {_options.RequestTimeout.TotalSeconds:0.###} s; the connection was closed."));
        }
    }
}
