using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenomicCode.Numerics;

/// <summary>Gradient helpers for training developmental decoders.</summary>
public static class GradientNormalization
{
    /// <summary>
    /// Per-parameter gradient normalisation (Mordvintsev et al. 2020, "Training"): each parameter's gradient g becomes
    /// g / (||g||_2 + eps), in place, before the optimiser step. Parameters without a gradient are skipped.
    /// </summary>
    public static void NormalizePerParameter(IEnumerable<Parameter> parameters, double eps = 1e-8)
    {
        using var _ = no_grad();
        foreach (var p in parameters)
        {
            var g = p.grad;
            if (g is null) continue;
            using var norm = g.norm();
            using var denom = norm.Add(eps);
            g.div_(denom);
        }
    }
}
