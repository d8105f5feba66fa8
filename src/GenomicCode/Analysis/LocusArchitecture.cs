using GenomicCode.Core;
using GenomicCode.Latent;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Analysis;

/// <summary>
/// Locus-level genetic architecture of a nucleotide genome: the effect of every single point mutation on every trait,
/// and the epistasis between pairs of loci. Genomes are base indices (N, L) int64; <see cref="Develop"/> delegates
/// take them as they are (wrap the model's development with the latent's one-hot encoding). Batched: every mutant of
/// a call is developed in one (chunked) batch.
/// </summary>
public static class LocusArchitecture
{
    /// <summary>
    /// All 3 L point mutants of each parent (N, L): row (n 3 L + 3 l + s - 1) is parent n with locus l set to
    /// (base + s) mod 4, s = 1, 2, 3, so each locus takes each of its three other bases once. Returns (3 N L, L).
    /// </summary>
    public static Tensor PointMutants(Tensor parents)
    {
        CheckIndices(parents);
        long n = parents.shape[0], l = parents.shape[1];
        var copies = parents.repeat_interleave(3 * l, 0).clone();                                        // (N 3L, L)
        var loci = ScalarMath.Arange(l, ScalarType.Int64, parents.device).repeat_interleave(3).repeat(n).unsqueeze(1); // (N 3L, 1)
        var shifts = torch.tensor(new long[] { 1, 2, 3 }, device: parents.device).repeat(n * l).unsqueeze(1);          // (N 3L, 1)
        var mutated = copies.gather(1, loci).Plus(shifts).Remainder(4);
        return copies.scatter_(1, loci, mutated);
    }

    /// <summary>
    /// Effect of each locus on each trait: E[l, t] = mean over the parents and the three substitutions at l of
    /// |T_t(mutant) - T_t(parent)| / scale_t, the mean absolute effect of a point mutation at l (in trait SDs when
    /// <paramref name="traitScale"/> holds the population's standard deviations; zero scales count as 1). (L x T).
    /// </summary>
    public static double[,] Effects(Develop develop, ITraitExtractor traits, Tensor parents, double[]? traitScale = null)
    {
        CheckIndices(parents);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long n = parents.shape[0], l = parents.shape[1];
        var t0 = traits.Extract(develop(parents)).to(ScalarType.Float64);                               // (N, T)
        long count = t0.shape[1];
        var tm = traits.Extract(develop(PointMutants(parents))).to(ScalarType.Float64).view(n, l, 3, count); // (N, L, 3, T)
        var effects = (tm - t0.view(n, 1, 1, count)).abs().mean(new long[] { 0, 2 });                 // (L, T)
        return EffectMatrix.ToArray(Scale(effects, traitScale, count));
    }

    /// <summary>
    /// Pairwise epistasis among <paramref name="loci"/>: eps_ij = mean over parents and traits of
    /// |T(g + m_i + m_j) - T(g + m_i) - T(g + m_j) + T(g)| / scale, where m_i substitutes locus i's base by the next one
    /// in ACGT order ((base + 1) mod 4): the deviation from additivity of a double mutant (Phillips 2008, "Epistasis",
    /// box 1). Zero diagonal. (K x K) for K loci.
    /// </summary>
    public static double[,] Epistasis(Develop develop, ITraitExtractor traits, Tensor parents, IReadOnlyList<int> loci, double[]? traitScale = null)
    {
        CheckIndices(parents);
        long n = parents.shape[0], l = parents.shape[1];
        int k = loci.Count;
        foreach (int i in loci)
            if (i < 0 || i >= l) throw new UserInputException($"locus {i} is outside the genome (0..{l - 1}).");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var onLocus = torch.zeros(new long[] { k, l }, dtype: ScalarType.Int64, device: parents.device);   // (K, L): 1 at locus i
        for (int i = 0; i < k; i++) onLocus[i, loci[i]] = torch.tensor(1L);
        var single = parents.unsqueeze(1).Plus(onLocus.unsqueeze(0)).Remainder(4).reshape(n * k, l);      // (N K, L)
        var pairs = parents.view(n, 1, 1, l).Plus(onLocus.view(1, k, 1, l)).Plus(onLocus.view(1, 1, k, l)).Remainder(4).reshape(n * k * k, l);
        var t0 = traits.Extract(develop(parents)).to(ScalarType.Float64);                                // (N, T)
        long count = t0.shape[1];
        var ts = traits.Extract(develop(single)).to(ScalarType.Float64).view(n, k, count);              // (N, K, T)
        var tp = traits.Extract(develop(pairs)).to(ScalarType.Float64).view(n, k, k, count);            // (N, K, K, T)
        var eps = (tp - ts.unsqueeze(2) - ts.unsqueeze(1)).Plus(t0.view(n, 1, 1, count)).abs();       // (N, K, K, T)
        var m = Scale(eps, traitScale, count).mean(new long[] { 0, 3 });                               // (K, K)
        m = m * torch.eye(k, dtype: m.dtype, device: m.device).RSub(1L);
        return EffectMatrix.ToArray(m);
    }

    /// <summary>
    /// Names of the loci of a layout, 1-based within their part: <c>g3 motif 2</c>, <c>g3 cis 7</c>, <c>s1 motif 4</c>
    /// (signal factor 1); <c>locus 12</c> (1-based in the genome) without a layout.
    /// </summary>
    public static string[] LocusNames(int loci, NucleotideLayout? layout)
    {
        if (layout is null || layout.Length != loci) return Enumerable.Range(1, loci).Select(i => $"locus {i}").ToArray();
        var names = new string[loci];
        for (int i = 0; i < loci; i++)
        {
            int genesEnd = layout.Genes * layout.GeneLength;
            if (i < genesEnd)
            {
                int g = i / layout.GeneLength, w = i % layout.GeneLength;
                names[i] = w < layout.MotifLength ? $"g{g} motif {w + 1}" : $"g{g} cis {w - layout.MotifLength + 1}";
            }
            else
            {
                int s = (i - genesEnd) / layout.MotifLength, w = (i - genesEnd) % layout.MotifLength;
                names[i] = $"s{s} motif {w + 1}";
            }
        }
        return names;
    }

    private static Tensor Scale(Tensor values, double[]? traitScale, long count)
    {
        if (traitScale is null) return values;
        if (traitScale.Length != count) throw new UserInputException($"traitScale needs {count} values, got {traitScale.Length}.");
        var shape = Enumerable.Repeat(1L, (int)values.dim() - 1).Append(count).ToArray();
        return values / torch.tensor(traitScale.Select(s => s > 0 ? s : 1.0).ToArray(), device: values.device).view(shape);
    }

    private static void CheckIndices(Tensor parents)
    {
        if (parents.dim() != 2 || parents.shape[0] < 1 || parents.dtype != ScalarType.Int64)
            throw new UserInputException($"parents must be base indices (N, L) int64 with N >= 1, got ({string.Join(", ", parents.shape)}) {parents.dtype}.");
    }
}
