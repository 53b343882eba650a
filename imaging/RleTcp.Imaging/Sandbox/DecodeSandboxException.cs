namespace RleTcp.Imaging.Sandbox;

/// <summary>
/// The decode sandbox could not give an answer about the image: its worker process died (crashed, or was killed
/// by something other than the request's deadline) or could not be started. A server fault (InternalError), not
/// a verdict on the image.
/// </summary>
public sealed class DecodeSandboxException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DecodeSandboxException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
