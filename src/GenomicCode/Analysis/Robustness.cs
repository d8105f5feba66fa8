using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Analysis;

/// <summary>Development with noise: genomes (B, G) and a generator -> phenotypes (B, C, H, W) that vary between calls.</summary>
public delegate Tensor NoisyDevelop(Tensor genomes, Generator generator);

/// <summary>Phenotypic spread and robustness of one parent population under one kind of perturbation.</summary>
/// <param name="Level">The perturbation: number of mutations k, or the developmental noise level.</param>
/// <param name="PhenotypicVariance">Mean over parents and pixels of the variance of the perturbed phenotypes.</param>
/// <param name="Robustness">Share of perturbed phenotypes whose mean absolute pixel difference from the parent's is within epsilon.</param>
/// <param name="MeanDistance">Mean absolute pixel difference from the parent's phenotype.</param>
public sealed record RobustnessPoint(double Level, double PhenotypicVariance, double Robustness, double MeanDistance);

/// <summary>
/// Robustness and canalisation (Wagner, Booth and Bagheri-Chaichian 1997, "A population genetic theory of
/// canalization", eq. 1: variance of a phenotype under perturbation; Masel and Siegal 2009, "Robustness: mechanisms and
/// consequences": mutational robustness as the share of mutations without phenotypic effect). Phenotypes are compared
/// pixel-wise by mean absolute difference; every mutant of every parent is developed in one batch.
/// </summary>
public static class Robustness
{
    /// <summary>
    /// Mutants with k random genes each changed by N(0, <paramref name="mutationSize"/>^2) (k distinct genes per mutant):
    /// for each k, the phenotypic variance over <paramref name="mutants"/> mutants per parent, and the share of mutants
    /// within <paramref name="epsilon"/> of the parent's phenotype (mutational robustness).
    /// </summary>
    public static IReadOnlyList<RobustnessPoint> Mutational(Develop develop, Tensor parents, IReadOnlyList<int> ks, int mutants, double mutationSize,
        double epsilon, long seed)
    {
        Guard.Positive(mutationSize);
        return Mutational(develop, parents, ks, mutants, epsilon, seed, (p, m, k, g) => Mutate(p, m, k, mutationSize, g));
    }

    /// <summary>
    /// Mutational robustness under any mutation operator: <paramref name="mutate"/> (parents, mutants per parent, k,
    /// generator) returns the (N * M) mutants with k mutations each, the copies of parent i in rows i*M..i*M+M-1 (for
    /// example point substitutions of nucleotide genomes). For each k, the phenotypic variance over the mutants of a
    /// parent and the share within <paramref name="epsilon"/> of the parent's phenotype.
    /// </summary>
    public static IReadOnlyList<RobustnessPoint> Mutational(Develop develop, Tensor parents, IReadOnlyList<int> ks, int mutants, double epsilon, long seed,
        Func<Tensor, int, int, Generator, Tensor> mutate)
    {
        Check(parents, mutants, epsilon);
        long n = parents.shape[0], genes = parents.shape[1];
        var result = new List<RobustnessPoint>();
        foreach (int k in ks)
        {
            if (k < 1 || k > genes) throw new UserInputException($"mutation count k must be in 1..{genes}, got {k}.");
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var g = new torch.Generator((ulong)Seeds.Derive(seed, k), parents.device);
            var mutated = mutate(parents, mutants, k, g);                                       // (N*M, G)
            result.Add(Measure(develop(parents), develop(mutated), n, mutants, epsilon, k));
        }
        return result;
    }

    /// <summary>
    /// k distinct random genes per mutant each get N(0, size^2) added: a random permutation per mutant picks the genes
    /// (the first k entries of argsort of uniform noise). Returns (N * M, G), mutants of parent i in rows i*M..i*M+M-1.
    /// </summary>
    public static Tensor Mutate(Tensor parents, int mutants, int k, double size, Generator generator)
    {
        long n = parents.shape[0], genes = parents.shape[1];
        var copies = parents.repeat_interleave(mutants, 0);                                    // (N*M, G)
        var order = torch.rand(new long[] { n * mutants, genes }, generator: generator, device: parents.device).argsort(1); // (N*M, G)
        var rank = order.argsort(1);                                                           // rank of each gene in the permutation
        var mask = rank.Lt(k).to(parents.dtype);                                               // (N*M, G), k ones per row
        var noise = torch.randn(new long[] { n * mutants, genes }, generator: generator, device: parents.device).to(parents.dtype).Mul(size);
        return copies.Plus(mask * noise);
    }

    /// <summary>
    /// Developmental noise at a fixed genome: each parent is developed <paramref name="replicates"/> times by a noisy
    /// development; the variance across replicates is the developmental (environmental) variance at that genome.
    /// </summary>
    public static RobustnessPoint Developmental(NoisyDevelop develop, Develop deterministic, Tensor parents, int replicates, double epsilon, long seed, double level)
    {
        Check(parents, replicates, epsilon);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long n = parents.shape[0];
        var g = new torch.Generator((ulong)Seeds.Derive(seed, 77), parents.device);
        var copies = parents.repeat_interleave(replicates, 0);                                 // (N*R, G)
        return Measure(deterministic(parents), develop(copies, g), n, replicates, epsilon, level);
    }

    private static RobustnessPoint Measure(Tensor parentPhenotypes, Tensor perturbed, long n, int m, double epsilon, double level)
    {
        var p = perturbed.reshape(n, m, -1).to(ScalarType.Float64);                            // (N, M, P)
        var parent = parentPhenotypes.reshape(n, 1, -1).to(ScalarType.Float64);                // (N, 1, P)
        double variance = p.var(new long[] { 1 }).mean().item<double>();                       // variance over the M perturbed copies
        var distance = (p - parent).abs().mean(new long[] { 2 });                              // (N, M)
        double robust = distance.Le(epsilon).to(ScalarType.Float64).mean().item<double>();
        return new RobustnessPoint(level, variance, robust, distance.mean().item<double>());
    }

    private static void Check(Tensor parents, int copies, double epsilon)
    {
        if (parents.dim() != 2 || parents.shape[0] < 1) throw new UserInputException($"parents must be a (N, G) batch, got ({string.Join(", ", parents.shape)}).");
        if (copies < 2) throw new UserInputException($"need at least 2 perturbed copies per parent to measure a variance, got {copies}.");
        Guard.NonNegative(epsilon);
    }
}
