using RleTcp.Server.Execution;

namespace RleTcp.Tests.Server;

/// <summary>The server's byte pool gives a burst's arrays back to the GC and keeps the ones a steady load cycles.</summary>
[Trait("Category", "Unit")]
public class ServerArrayPoolTests
{
    [Fact]
    public void ABurstsArraysAreDroppedWithinTwoTrimsWhileTheArraysInSteadyUseAreKept()
    {
        ServerArrayPool pool = ServerArrayPool.CreateUntimed();
        byte[][] burst = Enumerable.Range(0, 200).Select(_ => pool.Rent(1 << 20)).ToArray();
        foreach (byte[] array in burst)
        {
            pool.Return(array);
        }

        Assert.Equal(200L << 20, pool.RetainedBytes); // before: kept forever (ArrayPool.Create never trims)

        pool.Trim(); // starts the interval: everything held now is a candidate
        for (int i = 0; i < 3; i++)
        {
            // Steady load: four arrays in use at a time, cycled.
            byte[][] inUse = Enumerable.Range(0, 4).Select(_ => pool.Rent(1 << 20)).ToArray();
            foreach (byte[] array in inUse)
            {
                pool.Return(array);
            }
        }

        pool.Trim();
        Assert.Equal(4L << 20, pool.RetainedBytes);
        pool.Trim();
        Assert.Equal(0, pool.RetainedBytes); // idle for a whole interval now
    }

    [Fact]
    public void RentedArraysAreAtLeastTheAskedLengthAndComeBackToTheirSizeClass()
    {
        ServerArrayPool pool = ServerArrayPool.CreateUntimed();
        foreach (int length in new[] { 1, 16, 17, 4096, 4097, (1 << 20) - 1, 1 << 20 })
        {
            byte[] array = pool.Rent(length);
            Assert.InRange(array.Length, length, Math.Max(16, length * 2));
            pool.Return(array);
            Assert.Same(array, pool.Rent(length));
        }

        Assert.Empty(pool.Rent(0));
        Assert.Throws<ArgumentException>(() => pool.Return(new byte[100]));
    }
}
