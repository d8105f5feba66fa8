using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Experiments;

/// <summary>
/// The (1+1) hill climber over a genotype (G, B) used by Watson et al. 2014 and Kouvaris et al. 2017: each generation one
/// mutant is made, changing either one direct effect G_i (uniform in +-sigmaG, kept in [-bound, bound]) or one regulatory
/// weight B_ij (uniform in +-sigmaB), and it replaces its parent when its fitness is not lower. Many independent lineages
/// (replicates, or test targets) run side by side as rows of one batch: G is (R, N), B is (R, N, N), fitness is (R).
/// </summary>
public static class RegulatoryHillClimber
{
    /// <summary>The connection-cost norms: "l1" (sparse connectivity) and "l2" (weak connectivity).</summary>
    public static readonly IReadOnlyList<string> CostNorms = new[] { "l1", "l2" };

    /// <summary>
    /// Connection cost of each lineage, lambda * sum_ij |B_ij|^p / N with p = 1 for "l1" and p = 2 for "l2"
    /// (Kouvaris et al. 2017, the parsimony pressures on sparse and weak connectivity). <paramref name="b"/> is (R, N, N);
    /// returns (R).
    /// </summary>
    public static Tensor ConnectionCost(Tensor b, double lambda, string norm)
    {
        long n = b.shape[1];
        var magnitude = norm switch
        {
            "l1" => b.abs(),
            "l2" => b.Square(),
            _ => throw new UserInputException($"Connection-cost norm must be one of {string.Join(", ", CostNorms)}, got '{norm}'."),
        };
        return magnitude.sum(new long[] { 1, 2 }).Mul(lambda / n);
    }

    /// <summary>
    /// Fitness of each lineage: P(T).S / N minus the connection cost (Watson et al. 2014; Kouvaris et al. 2017), with P(T)
    /// developed by <see cref="GeneralisationExperiment.Develop"/>. <paramref name="target"/> is (N) or (R, N); returns (R).
    /// </summary>
    public static Tensor Fitness(Tensor g, Tensor b, Tensor target, GeneralisationOptions o, double lambda)
    {
        var match = Match(g, b, target, o);
        return lambda == 0 ? match : match - ConnectionCost(b, lambda, o.CostNorm);
    }

    /// <summary>As <see cref="Fitness(Tensor, Tensor, Tensor, GeneralisationOptions, double)"/> with one lambda per lineage, <paramref name="lambda"/> (R).</summary>
    public static Tensor Fitness(Tensor g, Tensor b, Tensor target, GeneralisationOptions o, Tensor lambda) =>
        Match(g, b, target, o) - ConnectionCost(b, 1.0, o.CostNorm) * lambda;

    /// <summary>P(T).S / N of each lineage (R) for a target (N) shared by all lineages or one per lineage (R, N).</summary>
    private static Tensor Match(Tensor g, Tensor b, Tensor target, GeneralisationOptions o)
    {
        long n = g.shape[1];
        var p = GeneralisationExperiment.Develop(g, b, o.DevelopmentSteps, o.Tau1, o.Tau2);   // (R, N)
        var match = target.dim() == 1 ? p.matmul(target) : (p * target).sum(1);               // (R)
        return match.Div(n);
    }

    /// <summary>
    /// Proposes one mutant per lineage: with probability <paramref name="mutateRegulationProbability"/> one weight B_ij
    /// (uniform in +-<paramref name="sigmaB"/>; diagonal entries only when <paramref name="selfRegulation"/>), otherwise one
    /// trait G_i (uniform in +-<paramref name="sigmaG"/>, clipped to [-<paramref name="bound"/>, <paramref name="bound"/>]).
    /// </summary>
    public static (Tensor G, Tensor B) Propose(Tensor g, Tensor b, double sigmaG, double sigmaB, double bound,
        double mutateRegulationProbability, bool selfRegulation, Generator generator)
    {
        long r = g.shape[0], n = g.shape[1];
        var opts = (dtype: g.dtype, device: g.device);
        var mutateB = torch.rand(new[] { r }, dtype: opts.dtype, device: opts.device, generator: generator)
            .Lt(mutateRegulationProbability).to(opts.dtype);                                                 // (R) 1 = mutate B
        var traitPick = torch.randint(0, n, new[] { r }, dtype: ScalarType.Int64, device: opts.device, generator: generator);
        var traitStep = torch.rand(new[] { r }, dtype: opts.dtype, device: opts.device, generator: generator).Mul(2L).Sub(1L).Mul(sigmaG);
        var gStep = nn.functional.one_hot(traitPick, n).to(opts.dtype) * (traitStep * mutateB.RSub(1L)).unsqueeze(1); // (R, N)
        var g2 = g.Plus(gStep).Clamp(-bound, bound);
        var weightPick = torch.randint(0, n * n, new[] { r }, dtype: ScalarType.Int64, device: opts.device, generator: generator);
        var weightStep = torch.rand(new[] { r }, dtype: opts.dtype, device: opts.device, generator: generator).Mul(2L).Sub(1L).Mul(sigmaB);
        var bStep = (nn.functional.one_hot(weightPick, n * n).to(opts.dtype) * (weightStep * mutateB).unsqueeze(1)).reshape(r, n, n);
        if (!selfRegulation) bStep = bStep * torch.eye(n, dtype: opts.dtype, device: opts.device).RSub(1L);
        return (g2, b.Plus(bStep));
    }

    /// <summary>
    /// Selection of the (1+1) hill climber: each lineage keeps its mutant where the mutant's fitness is not lower than the
    /// parent's (ties accepted, so neutral changes drift), else its parent. Shapes: G (R, N), B (R, N, N), fitness (R).
    /// </summary>
    public static (Tensor G, Tensor B, Tensor Fitness) Select(Tensor g, Tensor b, Tensor fitness, Tensor mutantG, Tensor mutantB, Tensor mutantFitness)
    {
        var accept = mutantFitness.ge(fitness);                                     // (R)
        return (torch.where(accept.unsqueeze(1), mutantG, g),
            torch.where(accept.unsqueeze(1).unsqueeze(2), mutantB, b),
            torch.where(accept, mutantFitness, fitness));
    }
}
