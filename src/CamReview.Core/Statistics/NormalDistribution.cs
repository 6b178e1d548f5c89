namespace CamReview.Core.Statistics;

/// <summary>The standard normal distribution.</summary>
public static class NormalDistribution
{
    /// <summary>
    /// The quantile function Φ⁻¹(p) of the standard normal distribution: Wichura's algorithm AS241 (PPND16,
    /// Applied Statistics 37 (1988) 477-484), relative error about 1e-16 over (0, 1). Returns -∞ at 0 and +∞
    /// at 1; throws for p outside [0, 1] or NaN. Example: InverseCdf(0.975) = 1.959963984540054.
    /// </summary>
    public static double InverseCdf(double p)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "a probability must be in [0, 1]");
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        double q = p - 0.5;
        double r, x;
        if (Math.Abs(q) <= 0.425)
        {
            r = 0.180625 - q * q;
            x = q * (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r
                         + 4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r
                         + 1.3314166789178437745e+2) * r + 3.3871328727963666080e+0)
                  / (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r
                         + 2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r
                         + 4.2313330701600911252e+1) * r + 1.0);
            return x;
        }
        r = Math.Sqrt(-Math.Log(q < 0 ? p : 1 - p));
        if (r <= 5.0)
        {
            r -= 1.6;
            x = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r
                     + 1.27045825245236838258e+0) * r + 3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r
                     + 4.63033784615654529590e+0) * r + 1.42343711074968357734e+0)
              / (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r
                     + 1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r
                     + 2.05319162663775882187e+0) * r + 1.0);
        }
        else
        {
            r -= 5.0;
            x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r
                     + 2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r
                     + 5.46378491116411436990e+0) * r + 6.65790464350110377720e+0)
              / (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r
                     + 7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r
                     + 5.99832206555887937690e-1) * r + 1.0);
        }
        return q < 0 ? -x : x;
    }

    /// <summary>The two-sided critical value z with P(|Z| &lt;= z) = <paramref name="confidence"/>
    /// (1.959964 for 0.95). <paramref name="confidence"/> must be in (0, 1).</summary>
    public static double TwoSidedCritical(double confidence)
    {
        if (!(confidence > 0 && confidence < 1))
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must be in (0, 1)");
        return InverseCdf(0.5 + confidence / 2);
    }

    /// <summary>P(Z &gt; z) = ½·erfc(z/√2), by the Chebyshev fit of erfc in Numerical Recipes (§6.2, fractional error
    /// below 1.2e-7 everywhere): enough for p-values. Example: UpperTail(1.959964) = 0.025.</summary>
    public static double UpperTail(double z)
    {
        double x = Math.Abs(z) / Math.Sqrt(2);
        double t = 1 / (1 + 0.5 * x);
        double erfc = t * Math.Exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return z >= 0 ? erfc / 2 : 1 - erfc / 2;
    }
}
