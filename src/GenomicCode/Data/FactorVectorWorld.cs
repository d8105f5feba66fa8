using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Data;

/// <summary>
/// A tiny ground-truth world whose "render" is a known map of the factors, for checking metrics and analyses fast:
/// an observation is the (1, 1, K) vector of factor values scaled to [0, 1] (value / (size - 1)), optionally passed
/// through a fixed invertible nonlinearity (x -> x^3 + x) so codes are not trivially linear in the observation.
/// </summary>
public sealed class FactorVectorWorld : IGroundTruthData
{
    private readonly int[] sizes;
    private readonly string[] names;

    /// <summary>Creates the world with the given number of values per factor (each at least 2).</summary>
    public FactorVectorWorld(IReadOnlyList<int> sizes, bool nonlinear = false)
    {
        if (sizes.Any(s => s < 2)) throw new UserInputException("every factor of a FactorVectorWorld needs at least 2 values.");
        this.sizes = sizes.ToArray();
        names = Enumerable.Range(0, this.sizes.Length).Select(i => $"f{i}").ToArray();
        Grid = new FactorGrid(this.sizes);
        Nonlinear = nonlinear;
    }

    /// <summary>Whether observations pass through x -> x^3 + x.</summary>
    public bool Nonlinear { get; }

    /// <summary>The factor grid.</summary>
    public FactorGrid Grid { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> FactorNames => names;

    /// <inheritdoc />
    public IReadOnlyList<int> FactorSizes => sizes;

    /// <inheritdoc />
    public (int Channels, int Height, int Width) ObservationShape => (1, 1, sizes.Length);

    /// <inheritdoc />
    public long Count => Grid.Count;

    /// <inheritdoc />
    public int[,] SampleFactors(int n, long seed) => Grid.Sample(n, seed);

    /// <inheritdoc />
    public Tensor Render(int[,] factors, Device? device = null)
    {
        int n = factors.GetLength(0), k = sizes.Length;
        if (factors.GetLength(1) != k) throw new UserInputException($"expected {k} factor columns, got {factors.GetLength(1)}.");
        var values = new float[n * k];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++)
            {
                if ((uint)factors[i, j] >= (uint)sizes[j]) throw new UserInputException($"row {i}: factor {j} value {factors[i, j]} is outside 0..{sizes[j] - 1}.");
                double x = (double)factors[i, j] / (sizes[j] - 1);
                values[i * k + j] = (float)(Nonlinear ? x * x * x + x : x);
            }
        return torch.tensor(values, new long[] { n, 1, 1, k }, device: device);
    }
}
