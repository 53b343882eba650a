using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;

namespace RleTcp.Benchmarks.Images;

/// <summary>
/// <c>images [DIR]</c>: prints each benchmark input's size and RLE length, and with DIR writes each as a 1-bit BMP,
/// a binary PBM and a 1-bit PNG (<c>LineArt.bmp</c> is the big image run.sh sends through the server).
/// </summary>
public static class ImagesCommand
{
    /// <summary>Runs the command.</summary>
    public static int Run(string[] args)
    {
        string? directory = args.Length > 0 ? args[0] : null;
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        Console.WriteLine($"{"image",-10} {"size",-11} {"packed B",12} {"RLE B",12} {"RLE/packed",10}");
        foreach (BenchImage which in Enum.GetValues<BenchImage>())
        {
            using BitImage image = BenchImages.Create(which);
            long packed = (long)BitImage.BytesPerPackedRow(image.Width) * image.Height;
            int rle = RleEncoder.Encode(image).Length;
            Console.WriteLine(
                $"{which,-10} {image.Width + "x" + image.Height,-11} {packed,12:N0} {rle,12:N0} {(double)rle / packed,10:F3}");
            if (directory is not null)
            {
                foreach (IntakeFormat format in Enum.GetValues<IntakeFormat>())
                {
                    File.WriteAllBytes(Path.Combine(directory, which + Extension(format)), EncodedImages.Write(image, format));
                }
            }
        }

        return 0;
    }

    private static string Extension(IntakeFormat format) => format switch
    {
        IntakeFormat.Bmp1Bit => ".bmp",
        IntakeFormat.Pbm => ".pbm",
        IntakeFormat.Png1BitUp => ".up.png",
        _ => ".png",
    };
}
