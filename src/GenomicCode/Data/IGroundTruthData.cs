using static TorchSharp.torch;

namespace GenomicCode.Data;

/// <summary>
/// A world whose observations are generated from known, discrete factors of variation (the ground-truth data contract).
/// Metrics and analyses see only this contract.
/// </summary>
public interface IGroundTruthData
{
    /// <summary>Human-readable names of the factors, in order (for example "shape", "scale").</summary>
    IReadOnlyList<string> FactorNames { get; }

    /// <summary>Number of values each factor takes, in the order of <see cref="FactorNames"/>.</summary>
    IReadOnlyList<int> FactorSizes { get; }

    /// <summary>
    /// Indices (into <see cref="FactorNames"/>) of the factors disentanglement metrics score, in order. Default: every
    /// factor. A labelled image set scores only its class: its other factor (the instance within a class) indexes
    /// images and is no factor of variation. Sampling and rendering always use every factor.
    /// </summary>
    IReadOnlyList<int> ScoredFactors => Enumerable.Range(0, FactorSizes.Count).ToArray();

    /// <summary>Shape of one observation: channels, height, width.</summary>
    (int Channels, int Height, int Width) ObservationShape { get; }

    /// <summary>Total number of distinct observations (the product of the factor sizes).</summary>
    long Count { get; }

    /// <summary>Samples <paramref name="n"/> factor vectors uniformly from the grid; returns an (n, factors) array of class indices.</summary>
    int[,] SampleFactors(int n, long seed);

    /// <summary>Renders factor vectors (n, factors) into an (n, C, H, W) float32 tensor on <paramref name="device"/>.</summary>
    Tensor Render(int[,] factors, Device? device = null);
}

/// <summary>Checked access to the parts of the ground-truth contract that metrics and reports share.</summary>
public static class GroundTruthExtensions
{
    /// <summary>
    /// <see cref="IGroundTruthData.ScoredFactors"/>, checked: at least one, each a factor index, no repeats; a bad list
    /// is a one-line error.
    /// </summary>
    public static int[] CheckedScoredFactors(this IGroundTruthData data)
    {
        var scored = data.ScoredFactors.ToArray();
        int k = data.FactorSizes.Count;
        if (scored.Length == 0) throw new Core.UserInputException("the data scores no factor; ScoredFactors must name at least one factor.");
        foreach (int f in scored)
            if ((uint)f >= (uint)k) throw new Core.UserInputException($"ScoredFactors names factor {f}, outside 0..{k - 1}.");
        if (scored.Distinct().Count() != scored.Length) throw new Core.UserInputException($"ScoredFactors repeats a factor: {string.Join(", ", scored)}.");
        return scored;
    }

    /// <summary>Names of the scored factors, in the order of <see cref="IGroundTruthData.ScoredFactors"/>.</summary>
    public static string[] ScoredFactorNames(this IGroundTruthData data) =>
        data.CheckedScoredFactors().Select(f => data.FactorNames[f]).ToArray();
}
