namespace RleTcp.Imaging;

/// <summary>Why an encoded image was refused.</summary>
public enum ImageIntakeError
{
    /// <summary>Not an image, a format that is not allowed, or a corrupt or truncated file.</summary>
    InvalidImage,

    /// <summary>Wider or taller than 65535 pixels (the RLE header's limit), or more pixels than the budget.</summary>
    ImageTooLarge,
}

/// <summary>An encoded image was refused; <see cref="Exception.Message"/> says why.</summary>
public sealed class ImageIntakeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImageIntakeException(ImageIntakeError error, string message, Exception? inner = null)
        : base(message, inner)
    {
        Error = error;
    }

    /// <summary>The kind of refusal.</summary>
    public ImageIntakeError Error { get; }

    internal static ImageIntakeException Invalid(string message, Exception? inner = null) =>
        new(ImageIntakeError.InvalidImage, message, inner);

    internal static ImageIntakeException TooLarge(string message) =>
        new(ImageIntakeError.ImageTooLarge, message);
}
