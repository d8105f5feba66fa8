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

    /// <summary>Shape of one observation: channels, height, width.</summary>
    (int Channels, int Height, int Width) ObservationShape { get; }

    /// <summary>Total number of distinct observations (the product of the factor sizes).</summary>
    long Count { get; }

    /// <summary>Samples <paramref name="n"/> factor vectors uniformly from the grid; returns an (n, factors) array of class indices.</summary>
    int[,] SampleFactors(int n, long seed);

    /// <summary>Renders factor vectors (n, factors) into an (n, C, H, W) float32 tensor on <paramref name="device"/>.</summary>
    Tensor Render(int[,] factors, Device? device = null);
}
