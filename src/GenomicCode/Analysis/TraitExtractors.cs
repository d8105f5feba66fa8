using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Analysis;

/// <summary>
/// Development as a function the analyses can call: genomes (B, G) -> phenotypes (B, C, H, W). It must be
/// differentiable in the genome for <see cref="EffectMatrix.Jacobian"/>.
/// </summary>
public delegate Tensor Develop(Tensor genomes);

/// <summary>Measures named traits of a phenotype batch: (B, C, H, W) -> (B, T), differentiably, without C# loops over organisms.</summary>
public interface ITraitExtractor
{
    /// <summary>Trait names, in column order.</summary>
    IReadOnlyList<string> TraitNames { get; }

    /// <summary>Traits (B, T) of phenotypes (B, C, H, W).</summary>
    Tensor Extract(Tensor phenotypes);
}

/// <summary>User-defined traits from a delegate.</summary>
/// <param name="TraitNames">Names of the T columns the delegate returns.</param>
/// <param name="Measure">Phenotypes (B, C, H, W) -> traits (B, T).</param>
public sealed record DelegateTraits(IReadOnlyList<string> TraitNames, Func<Tensor, Tensor> Measure) : ITraitExtractor
{
    /// <inheritdoc />
    public Tensor Extract(Tensor phenotypes)
    {
        var t = Measure(phenotypes);
        if (t.dim() != 2 || t.shape[1] != TraitNames.Count)
            throw new UserInputException($"trait delegate returned shape ({string.Join(", ", t.shape)}); expected (B, {TraitNames.Count}) for traits {string.Join(", ", TraitNames)}.");
        return t;
    }
}

/// <summary>
/// Traits of a sprites-world phenotype measured by image moments of the first channel, treated as a mass density
/// (Hu 1962, "Visual pattern recognition by moment invariants", eqs. 1-8): posX and posY are the centroid
/// m10/m00, m01/m00 in [0, 1] of the image side; scale is sqrt(m00) / side (the square root of the area);
/// orientation is the principal-axis angle 0.5 atan2(2 mu11, mu20 - mu02) in radians (undefined for shapes with
/// isotropic second moments such as squares); elongation, a shape descriptor, is (lambda1 - lambda2) / (lambda1 + lambda2)
/// of the second-moment matrix: 0 for a disc or square, 0.6 for dSprites' 2:1 ellipse.
/// </summary>
public sealed class SpritesTraits : ITraitExtractor
{
    private static readonly string[] Names = { "posX", "posY", "scale", "orientation", "elongation" };
    private const double Eps = 1e-6;

    /// <inheritdoc />
    public IReadOnlyList<string> TraitNames => Names;

    /// <inheritdoc />
    public Tensor Extract(Tensor phenotypes)
    {
        if (phenotypes.dim() != 4) throw new UserInputException($"sprites traits need phenotypes (B, C, H, W), got ({string.Join(", ", phenotypes.shape)}).");
        long h = phenotypes.shape[2], w = phenotypes.shape[3];
        var p = phenotypes.select(1, 0).to(ScalarType.Float64);                                        // (B, H, W)
        var xs = ScalarMath.Arange(w, ScalarType.Float64, p.device).Add(0.5).view(1, 1, w);           // (1, 1, W) pixel centres
        var ys = ScalarMath.Arange(h, ScalarType.Float64, p.device).Add(0.5).view(1, h, 1);           // (1, H, 1)
        var dims = new long[] { 1, 2 };
        var m00 = p.sum(dims).Add(Eps);                                                               // (B)
        var cx = (p * xs).sum(dims) / m00;                                                            // (B)
        var cy = (p * ys).sum(dims) / m00;
        var dx = xs - cx.view(-1, 1, 1);                                                              // (B, 1, W)
        var dy = ys - cy.view(-1, 1, 1);                                                              // (B, H, 1)
        var mu20 = (p * dx * dx).sum(dims) / m00;                                                     // (B)
        var mu02 = (p * dy * dy).sum(dims) / m00;
        var mu11 = (p * dx * dy).sum(dims) / m00;
        var orientation = torch.atan2(mu11.Mul(2L), mu20 - mu02).Mul(0.5);
        var spread = torch.sqrt((mu20 - mu02).Square().Plus(mu11.Square().Mul(4L)).Add(Eps * Eps));
        var elongation = spread / mu20.Plus(mu02).Add(Eps);
        var traits = torch.stack(new[] { cx.Div(w), cy.Div(h), torch.sqrt(m00).Div(w), orientation, elongation }, 1); // (B, 5)
        return traits.to(phenotypes.dtype);
    }
}

/// <summary>Helpers for <see cref="Develop"/> delegates.</summary>
public static class Developments
{
    /// <summary>
    /// Develops a large batch in chunks of <paramref name="chunk"/> organisms and concatenates the phenotypes, so big
    /// mutant batches fit in memory; autograd flows through the concatenation.
    /// </summary>
    public static Develop InChunks(Develop develop, int chunk)
    {
        if (chunk < 1) throw new UserInputException($"chunk must be >= 1, got {chunk}.");
        return genomes =>
        {
            long n = genomes.shape[0];
            if (n <= chunk) return develop(genomes);
            var parts = new List<Tensor>();
            for (long s = 0; s < n; s += chunk) parts.Add(develop(genomes.narrow(0, s, Math.Min(chunk, n - s))));
            return torch.cat(parts, 0);
        };
    }
}
