using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using static TorchSharp.torch;

namespace GenomicCode.Metrics;

/// <summary>
/// A representation to be measured: observations (B, C, H, W) -> codes (B, D) on any device, for example a trained
/// encoder's posterior means. It is called under no_grad inside a dispose scope; it must not keep the tensors it gets.
/// </summary>
public delegate Tensor Representation(Tensor observations);

/// <summary>
/// A disentanglement metric (the Metric contract): ground-truth data, a representation and a seed in, named scores out.
/// Sampling lives here; the maths is a static function over arrays in the same file.
/// </summary>
public interface IDisentanglementMetric
{
    /// <summary>Catalogue name, for example <c>mig</c>.</summary>
    string Name { get; }

    /// <summary>The metric's options record (sample sizes and settings).</summary>
    IComponentOptions Options { get; }

    /// <summary>Names of the scores <see cref="Evaluate"/> returns (flat JSON keys, for example <c>dci_completeness</c>).</summary>
    IReadOnlyList<string> ScoreNames { get; }

    /// <summary>Samples the data, encodes it with <paramref name="represent"/> and returns the named scores.</summary>
    IReadOnlyDictionary<string, double> Evaluate(IGroundTruthData data, Representation represent, long seed, Device? device = null);
}

/// <summary>
/// A metric that needs only codes paired with their factors (no interventions on the data), so it can score codes
/// produced by any framework (<c>genomic-code score</c>).
/// </summary>
public interface ICodeMetric : IDisentanglementMetric
{
    /// <summary>Scores codes paired with factors: <paramref name="train"/> fits any classifier, <paramref name="test"/> tests it.</summary>
    IReadOnlyDictionary<string, double> Score(LabelledCodes train, LabelledCodes test, long seed);
}
