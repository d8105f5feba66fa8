using GenomicCode.Core;
using GenomicCode.Evolution;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Experiments;

/// <summary>
/// The mutation of a gene-regulatory genotype whose regulation is DNA: a row [G (N) | bases (L)], the bases stored as
/// 0..3 (A, C, G, T) in the genome's floating-point dtype. Two forms, one per search of
/// <see cref="GeneralisationExperiment"/>:
/// <list type="bullet">
/// <item><see cref="SingleChange"/> (the hill climber's): each genome changes either one G_i (uniform in +-sigmaG, then
/// every G_i kept in [-bound, bound]) or, with probability p, one base, which becomes one of its three other bases
/// uniformly: <see cref="RegulatoryMutation"/> with a point substitution where it changes one B_ij.</item>
/// <item><see cref="PerLocus"/> (the GA's): N(0, sigmaG^2) added to every G_i, and every base substituted with
/// probability rate (the Jukes-Cantor model, Jukes and Cantor 1969, as <see cref="NucleotideSubstitution"/>).</item>
/// </list>
/// A genome of width N alone (the test phase, B frozen) has only G mutated.
/// </summary>
public sealed class DnaRegulatoryMutation : IMutation
{
    private DnaRegulatoryMutation(int traits, int loci, double sigmaG, double bound, double regulationProbability, double? rate)
    {
        if (traits < 1) throw new UserInputException($"traits must be >= 1, got {traits}.");
        if (loci < 1) throw new UserInputException($"loci must be >= 1, got {loci}.");
        Guard.NonNegative(sigmaG);
        if (!(bound > 0)) throw new UserInputException($"bound must be > 0 (infinite for none), got {bound}.");
        Guard.InRange(regulationProbability, 0, 1);
        if (rate is double r) Guard.InRange(r, 0, 1);
        Traits = traits;
        Loci = loci;
        SigmaG = sigmaG;
        Bound = bound;
        RegulationProbability = regulationProbability;
        Rate = rate;
    }

    /// <summary>The hill climber's form: one change per genome, a base with probability <paramref name="regulationProbability"/>, else one G_i.</summary>
    public static DnaRegulatoryMutation SingleChange(int traits, int loci, double sigmaG, double bound, double regulationProbability) =>
        new(traits, loci, sigmaG, bound, regulationProbability, null);

    /// <summary>The GA's form: Gaussian steps of SD <paramref name="sigmaG"/> on every G_i, each base substituted with probability <paramref name="rate"/>.</summary>
    public static DnaRegulatoryMutation PerLocus(int traits, int loci, double sigmaG, double rate) =>
        new(traits, loci, sigmaG, double.PositiveInfinity, 0, rate);

    /// <summary>Traits N.</summary>
    public int Traits { get; }

    /// <summary>Bases L.</summary>
    public int Loci { get; }

    /// <summary>Step size of G: half-width (single change) or SD (per locus).</summary>
    public double SigmaG { get; }

    /// <summary>Bound on |G_i| (single change; infinite per locus).</summary>
    public double Bound { get; }

    /// <summary>Single change: probability that a base changes rather than G.</summary>
    public double RegulationProbability { get; }

    /// <summary>Per locus: substitution probability of each base; null for the single-change form.</summary>
    public double? Rate { get; }

    /// <inheritdoc />
    public Tensor Mutate(Tensor genomes, Generator generator)
    {
        long n = Traits, l = Loci;
        long width = genomes.dim() == 2 ? genomes.shape[1] : -1, r = genomes.shape[0];
        if (width != n && width != n + l)
            throw new UserInputException($"a DNA regulatory genome is (R, {n}) or (R, {n + l}) = [G | bases], got ({string.Join(", ", genomes.shape)}).");
        using var scope = torch.NewDisposeScope();
        var dtype = genomes.dtype;
        var device = genomes.device;
        Tensor gStep, mutateBase;
        if (Rate is double rate)
        {
            gStep = torch.randn(new[] { r, n }, dtype: dtype, device: device, generator: generator).Mul(SigmaG);                      // (R, N)
            mutateBase = torch.rand(new[] { r, l }, dtype: dtype, device: device, generator: generator).Lt(rate);                   // (R, L)
        }
        else
        {
            var changeBase = torch.rand(new[] { r }, dtype: dtype, device: device, generator: generator).Lt(RegulationProbability).to(dtype); // (R)
            var traitPick = torch.randint(0, n, new[] { r }, dtype: ScalarType.Int64, device: device, generator: generator);
            var traitStep = torch.rand(new[] { r }, dtype: dtype, device: device, generator: generator).Mul(2L).Sub(1L).Mul(SigmaG);
            gStep = nn.functional.one_hot(traitPick, n).to(dtype) * (traitStep * changeBase.RSub(1L)).unsqueeze(1);                  // (R, N)
            var locusPick = torch.randint(0, l, new[] { r }, dtype: ScalarType.Int64, device: device, generator: generator);
            mutateBase = nn.functional.one_hot(locusPick, l).to(dtype).mul(changeBase.unsqueeze(1)).Gt(0.5);                       // (R, L)
        }
        var g = genomes.narrow(1, 0, n).Plus(gStep);
        if (double.IsFinite(Bound)) g = g.Clamp(-Bound, Bound);
        if (width == n) return g.MoveToOuterDisposeScope();
        // Adding 1..3 modulo 4 moves a base to one of its three others with equal probability.
        var shift = torch.randint(1, 4, new[] { r, l }, dtype: ScalarType.Int64, device: device, generator: generator);
        var bases = genomes.narrow(1, n, l).round().to(ScalarType.Int64);
        var mutated = torch.where(mutateBase, bases.Plus(shift).Remainder(4), bases).to(dtype);
        return torch.cat(new[] { g, mutated }, 1).MoveToOuterDisposeScope();
    }
}
