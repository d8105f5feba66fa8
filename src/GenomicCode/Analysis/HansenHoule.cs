using System.Text.Json.Serialization;
using GenomicCode.Core;
using MathNet.Numerics.LinearAlgebra;

namespace GenomicCode.Analysis;

/// <summary>
/// Evolvability measures of a genetic variance matrix G (Hansen and Houle 2008, J. Evol. Biol. 21:1201-1219), for
/// unit-length selection gradients beta: evolvability e = beta' G beta (the response along beta), conditional
/// evolvability c = (beta' G^-1 beta)^-1 (the response along beta when the other directions are held by stabilising
/// selection) and autonomy a = c / e (the share of the evolvability that is not lost to constraint). Averages are over
/// selection gradients uniform on the unit sphere, as Hansen and Houle define them.
/// </summary>
/// <param name="MeanEvolvability">Mean e over uniform unit gradients: exactly trace(G) / k.</param>
/// <param name="MeanConditionalEvolvability">Mean c over the drawn gradients.</param>
/// <param name="MeanAutonomy">Mean a over the drawn gradients.</param>
/// <param name="Gradients">Number of random unit gradients averaged over.</param>
/// <param name="TraitEvolvability">e along each trait axis: G_ii.</param>
/// <param name="TraitConditionalEvolvability">c along each trait axis: 1 / (G^-1)_ii.</param>
/// <param name="TraitAutonomy">a along each trait axis: the share of trait i's variance not explained by the other traits.</param>
/// <param name="Matrix">G itself (k x k), in the units it was given.</param>
public sealed record EvolvabilityMeasures(
    [property: JsonPropertyName("mean_evolvability")] double MeanEvolvability,
    [property: JsonPropertyName("mean_conditional_evolvability")] double MeanConditionalEvolvability,
    [property: JsonPropertyName("mean_autonomy")] double MeanAutonomy,
    [property: JsonPropertyName("gradients")] int Gradients,
    [property: JsonPropertyName("trait_evolvability")] double[] TraitEvolvability,
    [property: JsonPropertyName("trait_conditional_evolvability")] double[] TraitConditionalEvolvability,
    [property: JsonPropertyName("trait_autonomy")] double[] TraitAutonomy,
    [property: JsonPropertyName("matrix")] double[][] Matrix);

/// <summary>Hansen and Houle (2008) evolvability, conditional evolvability and autonomy of a G matrix.</summary>
public static class HansenHoule
{
    /// <summary>
    /// G = mean over organisms n of J_n J_n' for Jacobians J_n (k traits x g genes): the trait covariance that isotropic
    /// mutation of unit variance on every gene produces (Lande 1979: the mutational covariance J M J' with M = I).
    /// </summary>
    public static double[,] FromJacobians(IReadOnlyList<double[,]> jacobians)
    {
        if (jacobians.Count == 0) throw new UserInputException("G from Jacobians needs at least one Jacobian.");
        int k = jacobians[0].GetLength(0), genes = jacobians[0].GetLength(1);
        var g = new double[k, k];
        foreach (var j in jacobians)
        {
            if (j.GetLength(0) != k || j.GetLength(1) != genes) throw new UserInputException("every Jacobian must have the same shape.");
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++)
                {
                    double s = 0;
                    for (int i = 0; i < genes; i++) s += j[a, i] * j[b, i];
                    g[a, b] += s / jacobians.Count;
                }
        }
        return g;
    }

    /// <summary>
    /// The measures of <paramref name="g"/> (k x k, symmetric positive semi-definite): per-trait values exactly, the means
    /// over <paramref name="gradients"/> selection gradients drawn uniformly on the unit sphere (normalised standard
    /// normal vectors) with <paramref name="seed"/>. Directions G cannot move in (eigenvalues at or below 1e-12 of the
    /// largest) have conditional evolvability and autonomy 0.
    /// </summary>
    public static EvolvabilityMeasures Of(double[,] g, int gradients = 10_000, long seed = 0)
    {
        int k = g.GetLength(0);
        if (k < 1 || g.GetLength(1) != k) throw new UserInputException($"G must be a square matrix, got {g.GetLength(0)} x {g.GetLength(1)}.");
        if (gradients < 1) throw new UserInputException($"gradients must be >= 1, got {gradients}.");
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
                if (!double.IsFinite(g[a, b]) || Math.Abs(g[a, b] - g[b, a]) > 1e-9 * (1 + Math.Abs(g[a, b])))
                    throw new UserInputException("G must be symmetric with finite entries.");
        var matrix = Matrix<double>.Build.DenseOfArray(g);
        var eigen = matrix.Evd(Symmetricity.Symmetric);
        var values = eigen.EigenValues.Select(v => v.Real).ToArray();
        var vectors = eigen.EigenVectors;
        double tolerance = 1e-12 * Math.Max(values.Max(), 0);
        if (values.Min() < -1e-9 * Math.Max(1, values.Max())) throw new UserInputException("G must be positive semi-definite.");

        // beta' G^-1 beta through the eigenbasis; infinite when beta has a component G cannot move in.
        double InverseForm(Vector<double> beta)
        {
            var projected = vectors.TransposeThisAndMultiply(beta);
            double s = 0;
            for (int i = 0; i < k; i++)
            {
                double p2 = projected[i] * projected[i];
                if (values[i] <= tolerance) { if (p2 > 1e-24) return double.PositiveInfinity; continue; }
                s += p2 / values[i];
            }
            return s;
        }

        var random = Seeds.Random(seed, 0);
        double sumC = 0, sumA = 0;
        for (int n = 0; n < gradients; n++)
        {
            var beta = Vector<double>.Build.Dense(k, _ => Gaussian(random));
            beta = beta.Divide(beta.L2Norm());
            double e = beta.DotProduct(matrix.Multiply(beta));
            double inverse = InverseForm(beta);
            double c = double.IsPositiveInfinity(inverse) ? 0 : 1 / inverse;
            sumC += c;
            sumA += e > 0 ? c / e : 0;
        }

        var traitE = new double[k];
        var traitC = new double[k];
        var traitA = new double[k];
        for (int i = 0; i < k; i++)
        {
            var axis = Vector<double>.Build.Dense(k, j => j == i ? 1 : 0);
            traitE[i] = g[i, i];
            double inverse = InverseForm(axis);
            traitC[i] = double.IsPositiveInfinity(inverse) ? 0 : 1 / inverse;
            traitA[i] = traitE[i] > 0 ? traitC[i] / traitE[i] : 0;
        }
        double trace = Enumerable.Range(0, k).Sum(i => g[i, i]);
        var rows = Enumerable.Range(0, k).Select(a => Enumerable.Range(0, k).Select(b => g[a, b]).ToArray()).ToArray();
        return new EvolvabilityMeasures(trace / k, sumC / gradients, sumA / gradients, gradients, traitE, traitC, traitA, rows);
    }

    // Box-Muller: a standard normal draw from two uniforms.
    private static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
