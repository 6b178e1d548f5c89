using CamReview.Core.Statistics;

namespace CamReview.Core.Tests;

public class BlockBootstrapTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>x_t = mu + phi (x_{t-1} - mu) + e_t, e_t ~ N(0, 1), started from its stationary distribution.</summary>
    private static double[] Ar1(Random rng, int n, double phi, double mu)
    {
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var x = new double[n];
        double prev = Normal() / Math.Sqrt(1 - phi * phi);
        for (int t = 0; t < n; t++) x[t] = mu + (prev = phi * prev + Normal());
        return x;
    }

    [Fact]
    public void Block_length_is_the_cube_root_of_the_series_length()
    {
        Assert.Equal(1, BlockBootstrap.BlockLength(2));
        Assert.Equal(3, BlockBootstrap.BlockLength(27));
        Assert.Equal(6, BlockBootstrap.BlockLength(200));
        Assert.Equal(10, BlockBootstrap.BlockLength(1000));
    }

    [Fact]
    public void Intervals_of_correlated_series_cover_the_mean_where_resampling_single_frames_does_not()
    {
        // Strongly correlated per-frame terms (phi = 0.6: the variance of the mean is 4x that of independent terms).
        const int replications = 300, n = 300;
        const double mu = 2.5;
        var rng = new Random(7);
        int block = 0, single = 0;
        for (int r = 0; r < replications; r++)
        {
            var x = Ar1(rng, n, 0.6, mu);
            if (BlockBootstrap.MeanInterval(x)!.Value.Contains(mu)) block++;
            if (BlockBootstrap.MeanInterval(x, blockLength: 1)!.Value.Contains(mu)) single++;
        }
        double blockCoverage = block / (double)replications, singleCoverage = single / (double)replications;
        output.WriteLine($"coverage of 95% intervals: moving blocks {blockCoverage:P1}, single frames {singleCoverage:P1}");
        Assert.InRange(blockCoverage, 0.86, 0.99);
        Assert.InRange(singleCoverage, 0, 0.80);
    }

    [Fact]
    public void The_same_series_always_gives_the_same_interval()
    {
        var x = Ar1(new Random(3), 120, 0.5, 1);
        var a = BlockBootstrap.MeanInterval(x)!.Value;
        var b = BlockBootstrap.MeanInterval(x.ToList())!.Value;
        Assert.Equal(a, b);
        Assert.True(a.Low < x.Average() && x.Average() < a.High, $"{a} around {x.Average()}");
        Assert.NotEqual(a, BlockBootstrap.MeanInterval(x, seed: 1)!.Value);
        // A constant series has no spread; a single value has nothing to resample.
        Assert.Equal(new ConfidenceInterval(4, 4), BlockBootstrap.MeanInterval([4.0, 4, 4, 4])!.Value);
        Assert.Null(BlockBootstrap.MeanInterval([4.0]));
    }
}
