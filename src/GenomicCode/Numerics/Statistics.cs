using System.Text.Json.Serialization;
using GenomicCode.Core;
using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace GenomicCode.Numerics;

/// <summary>
/// A mean over independent replicates with its two-sided confidence interval from Student's t distribution:
/// mean +- t(1 - (1 - confidence) / 2; n - 1) * sd / sqrt(n).
/// </summary>
/// <param name="Mean">Mean of the replicates.</param>
/// <param name="Lower">Lower end of the interval (NaN with fewer than 2 replicates).</param>
/// <param name="Upper">Upper end of the interval (NaN with fewer than 2 replicates).</param>
/// <param name="StandardDeviation">Sample standard deviation (n - 1 in the denominator; NaN with fewer than 2 replicates).</param>
/// <param name="Count">Replicates n.</param>
/// <param name="Confidence">Coverage of the interval, for example 0.95.</param>
public sealed record MeanInterval(
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("lower")] double Lower,
    [property: JsonPropertyName("upper")] double Upper,
    [property: JsonPropertyName("sd")] double StandardDeviation,
    [property: JsonPropertyName("n")] int Count,
    [property: JsonPropertyName("confidence")] double Confidence)
{
    /// <summary>Half the width of the interval.</summary>
    [JsonIgnore]
    public double HalfWidth => (Upper - Lower) / 2;

    /// <summary>"mean [lower, upper]" with <paramref name="digits"/> decimals, invariant culture.</summary>
    public string Format(int digits = 3)
    {
        string f = "F" + digits;
        var c = System.Globalization.CultureInfo.InvariantCulture;
        return Count < 2 ? Mean.ToString(f, c) : $"{Mean.ToString(f, c)} [{Lower.ToString(f, c)}, {Upper.ToString(f, c)}]";
    }
}

/// <summary>Two counts of successes compared by Fisher's exact test.</summary>
/// <param name="SuccessesA">Successes in group A.</param>
/// <param name="TotalA">Trials in group A.</param>
/// <param name="SuccessesB">Successes in group B.</param>
/// <param name="TotalB">Trials in group B.</param>
/// <param name="PValue">Two-sided p-value of Fisher's exact test on the 2 x 2 table.</param>
public sealed record CountComparison(
    [property: JsonPropertyName("successes_a")] int SuccessesA,
    [property: JsonPropertyName("total_a")] int TotalA,
    [property: JsonPropertyName("successes_b")] int SuccessesB,
    [property: JsonPropertyName("total_b")] int TotalB,
    [property: JsonPropertyName("p_value")] double PValue);

/// <summary>
/// Statistics of replicated experiments: means with Student-t intervals (Student 1908; the quantile from MathNet's
/// inverse Student-t CDF, refined by Newton steps on its CDF) and Fisher's exact test of two proportions (Fisher 1935, "The logic of inductive inference";
/// two-sided as in R's <c>fisher.test</c>: the probabilities of every table with the observed margins that are at most
/// the observed table's probability, summed).
/// </summary>
public static class Statistics
{
    /// <summary>Arithmetic mean; NaN for no values.</summary>
    public static double Mean(IReadOnlyCollection<double> values) => values.Count == 0 ? double.NaN : values.Sum() / values.Count;

    /// <summary>Sample standard deviation with n - 1 in the denominator; NaN for fewer than 2 values.</summary>
    public static double StandardDeviation(IReadOnlyCollection<double> values)
    {
        if (values.Count < 2) return double.NaN;
        double mean = Mean(values);
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>The quantile t(p; df) of Student's t distribution, p in (0, 1), df > 0.</summary>
    public static double StudentTQuantile(double p, double degreesOfFreedom)
    {
        if (!(p > 0 && p < 1)) throw new UserInputException($"a quantile level must be in (0, 1), got {p}.");
        if (!(degreesOfFreedom > 0)) throw new UserInputException($"degrees of freedom must be > 0, got {degreesOfFreedom}.");
        // MathNet's inverse is a root search good to about 1e-9; Newton steps on its CDF (a regularised incomplete beta
        // function, accurate to about 1e-15) take the quantile to double precision.
        double t = StudentT.InvCDF(0, 1, degreesOfFreedom, p);
        for (int i = 0; i < 3; i++)
        {
            double density = StudentT.PDF(0, 1, degreesOfFreedom, t);
            if (!(density > 0)) break;
            t -= (StudentT.CDF(0, 1, degreesOfFreedom, t) - p) / density;
        }
        return t;
    }

    /// <summary>
    /// Mean of independent replicates with its two-sided t interval of coverage <paramref name="confidence"/>. With one
    /// value the interval and SD are NaN; non-finite values are an error (a replicate that failed must be counted, not averaged).
    /// </summary>
    public static MeanInterval TInterval(IReadOnlyCollection<double> values, double confidence = 0.95)
    {
        if (values.Count == 0) throw new UserInputException("a mean with an interval needs at least one value.");
        if (!(confidence > 0 && confidence < 1)) throw new UserInputException($"confidence must be in (0, 1), got {confidence}.");
        if (values.Any(v => !double.IsFinite(v))) throw new UserInputException("a mean with an interval needs finite values; got NaN or an infinity.");
        double mean = Mean(values);
        int n = values.Count;
        if (n < 2) return new MeanInterval(mean, double.NaN, double.NaN, double.NaN, n, confidence);
        double sd = StandardDeviation(values);
        double half = StudentTQuantile(1 - (1 - confidence) / 2, n - 1) * sd / Math.Sqrt(n);
        return new MeanInterval(mean, mean - half, mean + half, sd, n, confidence);
    }

    /// <summary>
    /// Two-sided p-value of Fisher's exact test on the 2 x 2 table [[a, b], [c, d]] (rows: groups; columns: success,
    /// failure). Tables are compared by their hypergeometric probability with a relative tolerance of 1e-7, as R does.
    /// </summary>
    public static double FisherExact(int a, int b, int c, int d)
    {
        if (a < 0 || b < 0 || c < 0 || d < 0) throw new UserInputException($"Fisher's exact test needs non-negative counts, got {a}, {b}, {c}, {d}.");
        int row1 = a + b, row2 = c + d, col1 = a + c, n = a + b + c + d;
        if (n == 0) return 1.0;
        int lo = Math.Max(0, col1 - row2), hi = Math.Min(row1, col1);
        double LogP(int x) => LogChoose(row1, x) + LogChoose(row2, col1 - x) - LogChoose(n, col1);
        double observed = LogP(a);
        double p = 0;
        for (int x = lo; x <= hi; x++)
        {
            double lp = LogP(x);
            if (lp <= observed + 1e-7) p += Math.Exp(lp);
        }
        return Math.Min(1.0, p);
    }

    /// <summary>Compares successes out of trials in two groups by <see cref="FisherExact"/>.</summary>
    public static CountComparison CompareCounts(int successesA, int totalA, int successesB, int totalB)
    {
        if (successesA < 0 || successesA > totalA || successesB < 0 || successesB > totalB)
            throw new UserInputException($"counts must satisfy 0 <= successes <= trials, got {successesA}/{totalA} and {successesB}/{totalB}.");
        return new CountComparison(successesA, totalA, successesB, totalB,
            FisherExact(successesA, totalA - successesA, successesB, totalB - successesB));
    }

    private static double LogChoose(int n, int k) => SpecialFunctions.FactorialLn(n) - SpecialFunctions.FactorialLn(k) - SpecialFunctions.FactorialLn(n - k);
}
