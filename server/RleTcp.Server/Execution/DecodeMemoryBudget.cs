namespace RleTcp.Server.Execution;

/// <summary>
/// The budget of memory all decodes in progress may hold, charged with <see cref="RleTcp.Imaging.DecodeCost"/>'s
/// header-only estimate before a decode starts and released when it ends. It bounds what the pixel limit cannot: the
/// sum over the requests decoding at once (four 62-byte WebPs declaring 10000x10000 would otherwise need ~3 GiB).
/// </summary>
public sealed class DecodeMemoryBudget(long capacity) : ByteBudget(capacity);
