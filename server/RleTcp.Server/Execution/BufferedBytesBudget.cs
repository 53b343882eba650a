namespace RleTcp.Server.Execution;

/// <summary>
/// The global budget of request payload bytes held in memory across all connections. A frame is admitted on its
/// declared length when its header arrives, before any payload byte is buffered, so many large uploads at once get
/// Busy instead of exhausting memory.
/// </summary>
public sealed class BufferedBytesBudget(long capacity) : ByteBudget(capacity);
