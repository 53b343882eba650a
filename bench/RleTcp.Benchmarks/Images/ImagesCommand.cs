using RleTcp.Protocol.Imaging;
using RleTcp.Protocol.Rle;

namespace RleTcp.Benchmarks.Images;

/// <summary>
/// <c>images [DIR]</c>: prints each benchmark input's size, RLE length and run count, and with DIR writes them as
/// binary PBM files so they can be looked at.
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
                WritePbm(image, Path.Combine(directory, which + ".pbm"));
            }
        }

        return 0;
    }

    // P4: a set bit is black, so the rows are written inverted.
    private static void WritePbm(BitImage image, string path)
    {
        using FileStream file = File.Create(path);
        file.Write(System.Text.Encoding.ASCII.GetBytes($"P4\n{image.Width} {image.Height}\n"));
        var row = new byte[BitImage.BytesPerPackedRow(image.Width)];
        for (int y = 0; y < image.Height; y++)
        {
            image.CopyRowTo(y, row, BitOrder.MsbFirst, invert: true);
            file.Write(row);
        }
    }
}
