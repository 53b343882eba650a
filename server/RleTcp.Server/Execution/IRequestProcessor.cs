namespace RleTcp.Server.Execution;

/// <summary>
/// The work done for one non-empty request payload, on an executor worker thread (never on an I/O or thread-pool thread).
/// </summary>
public interface IRequestProcessor
{
    /// <summary>
    /// Turns <paramref name="payload"/> into its answer. Client errors are returned as error answers; an exception
    /// other than <see cref="OperationCanceledException"/> on <paramref name="cancellationToken"/> is a server fault
    /// (answered InternalError and logged). <paramref name="bands"/> runs parallel parts on the same workers.
    /// </summary>
    ServerResponse Process(ReadOnlyMemory<byte> payload, IBandScheduler bands, CancellationToken cancellationToken);
}
