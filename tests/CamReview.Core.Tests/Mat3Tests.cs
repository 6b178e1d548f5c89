using System.Text.Json;
using CamReview.Core;
using static CamReview.Core.Tests.TestUtil;

namespace CamReview.Core.Tests;

public class Mat3Tests
{
    private static readonly Mat3 A = new(2, 1, 0, -1, 3, 4, 0.5, 0, 1);
    private static readonly Mat3 B = new(1, 2, 3, 0, 1, 4, 5, 6, 0);

    [Fact]
    public void MultiplyMatchesHandComputedProduct()
    {
        // Row 0 of A*B: [2*1+1*0+0*5, 2*2+1*1+0*6, 2*3+1*4+0*0] = [2, 5, 10]
        // Row 1: [-1+0+20, -2+3+24, -3+12+0] = [19, 25, 9]; Row 2: [0.5+0+5, 1+0+6, 1.5+0+0] = [5.5, 7, 1.5]
        Assert.Equal(new Mat3(2, 5, 10, 19, 25, 9, 5.5, 7, 1.5), A * B);
        Assert.NotEqual(A * B, B * A);
    }

    [Fact]
    public void DeterminantTransposeTraceIndexer()
    {
        // det B = 1*(0-24) - 2*(0-20) + 3*(0-5) = 1
        Assert.Equal(1.0, B.Determinant(), 12);
        Assert.Equal(A.Determinant(), A.Transpose().Determinant(), 12);
        Assert.Equal(new Mat3(1, 0, 5, 2, 1, 6, 3, 4, 0), B.Transpose());
        Assert.Equal(2.0, B.Trace);
        Assert.Equal(4.0, B[1, 2]);
        Assert.Equal(6.0, B[2, 1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => B[3, 0]);
    }

    [Fact]
    public void InverseTimesMatrixIsIdentity()
    {
        // Known inverse of B (det 1): [[-24, 18, 5], [20, -15, -4], [-5, 4, 1]]
        Near(new Mat3(-24, 18, 5, 20, -15, -4, -5, 4, 1), B.Inverse(), 1e-12);
        Near(Mat3.Identity, A * A.Inverse(), 1e-12);
        Near(Mat3.Identity, A.Inverse() * A, 1e-12);
    }

    [Fact]
    public void SingularOrNonFiniteInverseFails()
    {
        var singular = new Mat3(1, 2, 3, 2, 4, 6, 0, 0, 1);
        Assert.False(singular.TryInverse(out _));
        Assert.Throws<InvalidOperationException>(() => singular.Inverse());
        Assert.False(new Mat3(double.NaN, 0, 0, 0, 1, 0, 0, 0, 1).TryInverse(out _));
    }

    [Fact]
    public void FrobeniusDistance()
    {
        var d = Mat3.Identity - new Mat3(1, 0, 3, 0, 1, 0, 0, 4, 1); // differences 3 and 4
        Assert.Equal(25.0, d.FrobeniusNormSquared(), 12);
        Assert.Equal(5.0, Mat3.FrobeniusDistance(Mat3.Identity, new Mat3(1, 0, 3, 0, 1, 0, 0, 4, 1)), 12);
        Assert.Equal(25.0, Mat3.FrobeniusDistanceSquared(Mat3.Identity, new Mat3(1, 0, 3, 0, 1, 0, 0, 4, 1)), 12);
    }

    [Fact]
    public void ScaledToUnitCornerDividesByH22AndRefusesTinyH22()
    {
        var h = 2.5 * new Mat3(1, 0.1, 5, 0, 1, -3, 0.001, 0, 1);
        var s = h.ScaledToUnitCorner();
        Assert.Equal(1.0, s.M22);
        Near(new Mat3(1, 0.1, 5, 0, 1, -3, 0.001, 0, 1), s, 1e-15);
        // Negative scale is also canonicalised.
        Assert.Equal(1.0, (-3.0 * h).ScaledToUnitCorner().M22, 15);

        var tiny = new Mat3(1, 0, 5, 0, 1, 0, 0.01, 0, 1e-13);
        Assert.False(tiny.TryScaleToUnitCorner(out _));
        Assert.Throws<InvalidOperationException>(() => tiny.ScaledToUnitCorner());
        Assert.Throws<InvalidOperationException>(() => new Mat3(1, 0, 0, 0, 1, 0, 0, 0, double.PositiveInfinity).ScaledToUnitCorner());
    }

    [Fact]
    public void TransformDividesByW()
    {
        var h = new Mat3(2, 0, 1, 0, 3, 2, 0.5, 0, 1);
        // (x, y) = (2, 1): [2*2+1, 3*1+2, 0.5*2+1] = [5, 5, 2] -> (2.5, 2.5)
        Near(new Point2(2.5, 2.5), h.Transform(2, 1), 1e-15);
        // Scaling the matrix does not change the mapped point.
        Near(h.Transform(-3, 7), (-4.0 * h).Transform(-3, 7), 1e-12);
        // A point on the "horizon" (w = 0) maps to infinity.
        Assert.False(double.IsFinite(h.Transform(-2, 0).X));
    }

    [Fact]
    public void ArrayAndJaggedRoundTripIncludingJson()
    {
        Assert.Equal(B, Mat3.FromArray(B.ToArray()));
        Assert.Equal(new double[] { 1, 2, 3, 0, 1, 4, 5, 6, 0 }, B.ToArray());
        Assert.Equal(B, Mat3.FromJagged(B.ToJagged()));

        string json = JsonSerializer.Serialize(A.ToJagged());
        Assert.Equal("[[2,1,0],[-1,3,4],[0.5,0,1]]", json);
        Assert.Equal(A, Mat3.FromJagged(JsonSerializer.Deserialize<double[][]>(json)!));

        Assert.Throws<ArgumentException>(() => Mat3.FromArray(new double[8]));
        Assert.Throws<ArgumentException>(() => Mat3.FromJagged([[1, 2, 3], [4, 5, 6]]));
        Assert.Throws<ArgumentException>(() => Mat3.FromJagged([[1, 2, 3], [4, 5], [7, 8, 9]]));
    }

    [Fact]
    public void SerializesAsRowsWithSystemTextJson()
    {
        Assert.Equal("[[2,1,0],[-1,3,4],[0.5,0,1]]", JsonSerializer.Serialize(A));
        Assert.Equal(A, JsonSerializer.Deserialize<Mat3>("[[2,1,0],[-1,3,4],[0.5,0,1]]"));
        // Nullable, inside a record: a flagged pair without a homography serializes h as null.
        string json = JsonSerializer.Serialize(new { h = (Mat3?)B, none = (Mat3?)null });
        Assert.Equal("{\"h\":[[1,2,3],[0,1,4],[5,6,0]],\"none\":null}", json);
        var pair = PairHomography.Valid(B, 64, 48);
        var back = JsonSerializer.Deserialize<PairHomography>(JsonSerializer.Serialize(pair));
        Assert.Equal(pair, back);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Mat3>("[[1,2],[3,4]]"));
    }

    [Fact]
    public void Rotation2DPositiveIsClockwiseOnScreen()
    {
        // With y down, the +x axis turned by +90 degrees points to +y (down): clockwise as seen on screen.
        Near(new Point2(0, 1), Mat3.Rotation2D(90).Transform(1, 0), 1e-15);
    }
}
