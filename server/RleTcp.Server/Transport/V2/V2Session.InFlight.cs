using RleTcp.Server.Execution;

namespace RleTcp.Server.Transport.V2;

internal sealed partial class V2Session
{
    /// <summary>
    /// A request between its submission and its answer: its id, the source that cancels it, and the executor's task
    /// whose completion hands the answer to the session. Reused by its session for later requests (the session's
    /// Submit, Cancel and Forget keep the rules that carry no request's cancellation into the next).
    /// </summary>
    private sealed class InFlight : IThreadPoolWorkItem
    {
        private readonly V2Session _session;

        // Made once per object: the task stores it as its only continuation, so awaiting an answer allocates nothing.
        private readonly Action _onAnswer;
        private CancellationTokenSource _cancel = new();
        private Task<ServerResponse>? _answer;
        private int _reason;

        public InFlight(V2Session session)
        {
            _session = session;
            _onAnswer = () => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        public enum StopReason
        {
            None,
            Cancel,
            Disconnect,
        }

        public uint Id { get; private set; }

        public byte Op { get; private set; }

        public string? Codec { get; private set; }

        public bool HasDeadline { get; private set; }

        public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

        public CancellationToken Token => _cancel.Token;

        /// <summary>Takes on a new request (called under the session's gate, before the request is in its table).</summary>
        public void Start(uint id, byte op, string? codec, bool hasDeadline)
        {
            Id = id;
            Op = op;
            Codec = codec;
            HasDeadline = hasDeadline;
            Volatile.Write(ref _reason, (int)StopReason.None);
        }

        /// <summary>
        /// Cancels the work once; false when it was already stopped. Called only under the session's gate while the
        /// request is in its table, so it can never reach the object once it has been handed to another request.
        /// </summary>
        public bool Stop(StopReason reason)
        {
            if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None) != (int)StopReason.None)
            {
                return false;
            }

            _cancel.Cancel();
            return true;
        }

        /// <summary>Hands the answer to the session (on the thread pool, as the task's own continuations did) once ready.</summary>
        public void AwaitAnswer(Task<ServerResponse> answer)
        {
            _answer = answer;

            // The executor completes this task with inline continuations: this one only queues the object itself, so
            // neither a worker nor the deadline's timer runs the session's code, and nothing is allocated. A task
            // already complete schedules the continuation at once.
            answer.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onAnswer);
        }

        void IThreadPoolWorkItem.Execute()
        {
            Task<ServerResponse> answer = _answer!;
            _answer = null;
            _session.Finished(this, answer);
        }

        /// <summary>
        /// Makes the object ready for another request. Called under the session's gate once the request left the
        /// table (no Stop can reach it any more) and its answer was taken. A source that was cancelled cannot be
        /// reset: it is replaced (not disposed: it has no timer, and the old job may still dispose its registration on
        /// it). A reset source drops every registration left on it, so an old job (one whose deadline answered it while
        /// its worker still runs) can never be cancelled by the next request's CANCEL.
        /// </summary>
        public void Reset()
        {
            _answer = null;
            Codec = null;
            if (!_cancel.TryReset())
            {
                _cancel = new CancellationTokenSource();
            }
        }
    }
}
