using CommunityToolkit.HighPerformance.Buffers;
using RleTcp.Protocol.Bits;
using RleTcp.Imaging;
using RleTcp.Protocol.Rle;

namespace RleTcp.Server.Execution;

/// <summary>
/// Encodes a <see cref="BitImage"/> as an OK answer, splitting a large image into bands of rows that are encoded in
/// parallel (into separate buffers from <see cref="ServerArrayPool"/>) and joined in order: the RLE format has no state across rows, so the
/// concatenation equals the whole image's encoding.
/// </summary>
public static class BandedRleEncoder
{
    /// <summary>Encodes <paramref name="image"/> into an OK answer, with bands of about <paramref name="bandPixels"/> pixels.</summary>
    public static ServerResponse Encode(BitImage image, long bandPixels, IBandScheduler scheduler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bandPixels);
        int rowsPerBand = (int)Math.Clamp(bandPixels / image.Width, 1, image.Height);
        int bands = (image.Height + rowsPerBand - 1) / rowsPerBand;
        if (bands == 1)
        {
            // One band (every small image): encoded here, without a band group and its completion event.
            var output = new ArrayPoolBufferWriter<byte>(ServerArrayPool.Instance, EstimateBytes(image.Width, image.Height));
            try
            {
                RleEncoder.WriteHeader(image.Width, image.Height, output);
                RleEncoder.EncodeRows(image, 0, image.Height, output);
                return ServerResponse.Ok([output]);
            }
            catch
            {
                output.Dispose();
                throw;
            }
        }

        // Disposed on the way out: Run returns (or throws) only once every band has finished.
        using var group = new EncodeBands(image, rowsPerBand, bands);
        try
        {
            RleEncoder.WriteHeader(image.Width, image.Height, group.Outputs[0]);
            scheduler.Run(group, cancellationToken);
            return ServerResponse.Ok(group.Outputs);
        }
        catch
        {
            foreach (ArrayPoolBufferWriter<byte> output in group.Outputs)
            {
                output.Dispose();
            }

            throw;
        }
    }

    // Text pages encode to a fraction of their packed size; start there and let the writer double for noise.
    private static int EstimateBytes(int width, int rows) =>
        (int)Math.Min(RleFormat.HeaderSize + (((long)width / 8) + RleEncoder.MaxRowLength(width)) + ((long)rows * ((width / 16) + 2)), 1 << 26);

    private sealed class EncodeBands : BandGroup
    {
        private readonly BitImage _image;
        private readonly int _rowsPerBand;

        public EncodeBands(BitImage image, int rowsPerBand, int count)
            : base(count)
        {
            _image = image;
            _rowsPerBand = rowsPerBand;
            Outputs = new ArrayPoolBufferWriter<byte>[count];
            for (int i = 0; i < count; i++)
            {
                Outputs[i] = new ArrayPoolBufferWriter<byte>(ServerArrayPool.Instance, EstimateBytes(image.Width, Rows(i)));
            }
        }

        public ArrayPoolBufferWriter<byte>[] Outputs { get; }

        protected override void RunBand(int index) =>
            RleEncoder.EncodeRows(_image, index * _rowsPerBand, Rows(index), Outputs[index]);

        private int Rows(int index) => Math.Min(_rowsPerBand, _image.Height - (index * _rowsPerBand));
    }
}
