using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Analysis;

/// <summary>
/// The genome -> trait effect matrix E (G genes x T traits), E_gt = d trait_t / d gene_g: the linearised
/// genotype-phenotype map (the "M matrix" of quantitative genetics, e.g. Wagner and Altenberg 1996; here measured on
/// the developmental decoder).
/// </summary>
public static class EffectMatrix
{
    /// <summary>
    /// Exact Jacobian by autograd at each genome of <paramref name="genomes"/> (N, G), averaged over the N genomes
    /// (N = 1: the Jacobian at one genome). One backward pass per trait; each organism's traits depend only on its own
    /// genome, so the gradient of the batch sum holds every organism's row.
    /// </summary>
    public static double[,] Jacobian(Develop develop, ITraitExtractor traits, Tensor genomes)
    {
        CheckGenomes(genomes);
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var g = genomes.detach().clone().requires_grad_(true);                   // (N, G)
        var t = traits.Extract(develop(g));                                      // (N, T)
        int traitCount = (int)t.shape[1], genes = (int)g.shape[1];
        var e = new double[genes, traitCount];
        for (int k = 0; k < traitCount; k++)
        {
            var column = t.select(1, k).sum();
            var d = torch.autograd.grad(new[] { column }, new[] { g }, retain_graph: k < traitCount - 1, allow_unused: true)[0]; // (N, G)
            if (d is null || d.IsInvalid) continue;
            var mean = d.mean(new long[] { 0 }).to(ScalarType.Float64).cpu().data<double>().ToArray();          // (G)
            for (int j = 0; j < genes; j++) e[j, k] = mean[j];
        }
        return e;
    }

    /// <summary>
    /// Central finite differences (trait(g + h e_j) - trait(g - h e_j)) / 2h at every genome of the population
    /// (N, G), averaged over the population (Press et al. 2007, Numerical Recipes, eq. 5.7.7). All 2 N G mutants are
    /// developed in one batch.
    /// </summary>
    public static double[,] FiniteDifferences(Develop develop, ITraitExtractor traits, Tensor genomes, double h = 0.1)
    {
        CheckGenomes(genomes);
        Guard.Positive(h);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long n = genomes.shape[0], genes = genomes.shape[1];
        var eye = torch.eye(genes, dtype: genomes.dtype, device: genomes.device).Mul(h);           // (G, G)
        var plus = genomes.unsqueeze(1).Plus(eye.unsqueeze(0)).reshape(n * genes, genes);            // (N*G, G)
        var minus = (genomes.unsqueeze(1) - eye.unsqueeze(0)).reshape(n * genes, genes);          // (N*G, G)
        var tp = traits.Extract(develop(plus));                                                   // (N*G, T)
        var tm = traits.Extract(develop(minus));
        long traitCount = tp.shape[1];
        var d = (tp - tm).Div(2 * h).reshape(n, genes, traitCount).mean(new long[] { 0 });      // (G, T)
        return ToArray(d);
    }

    /// <summary>
    /// Pairwise epistasis: for genes i != j, eps_ij = mean over organisms and traits of
    /// |T(g + d e_i + d e_j) - T(g + d e_i) - T(g + d e_j) + T(g)|, the non-additivity of a double mutation of size
    /// <paramref name="delta"/> (Phillips 2008, "Epistasis", box 1: deviation from additivity). Zero for an additive
    /// (linear) map; the diagonal is zero. Traits are divided by <paramref name="traitScale"/> (for example their
    /// population standard deviations) when given, so traits in different units weigh alike.
    /// </summary>
    public static double[,] Epistasis(Develop develop, ITraitExtractor traits, Tensor genomes, double delta = 1.0, double[]? traitScale = null)
    {
        CheckGenomes(genomes);
        Guard.Positive(delta);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        long n = genomes.shape[0], genes = genomes.shape[1];
        var eye = torch.eye(genes, dtype: genomes.dtype, device: genomes.device).Mul(delta);           // (G, G)
        var single = genomes.unsqueeze(1).Plus(eye.unsqueeze(0)).reshape(n * genes, genes);             // (N*G, G)
        var pairs = genomes.unsqueeze(1).unsqueeze(1).Plus(eye.view(1, genes, 1, genes)).Plus(eye.view(1, 1, genes, genes))
            .reshape(n * genes * genes, genes);                                                       // (N*G*G, G)
        var t0 = traits.Extract(develop(genomes));                                                    // (N, T)
        long traitCount = t0.shape[1];
        var ts = traits.Extract(develop(single)).reshape(n, genes, traitCount);                       // (N, G, T)
        var tp = traits.Extract(develop(pairs)).reshape(n, genes, genes, traitCount);                 // (N, G, G, T)
        var eps = (tp - ts.unsqueeze(2) - ts.unsqueeze(1)).Plus(t0.view(n, 1, 1, traitCount));           // (N, G, G, T)
        if (traitScale is not null)
        {
            if (traitScale.Length != traitCount) throw new UserInputException($"traitScale needs {traitCount} values, got {traitScale.Length}.");
            eps = eps / torch.tensor(traitScale.Select(s => s > 0 ? s : 1.0).ToArray(), device: genomes.device).to(eps.dtype).view(1, 1, 1, traitCount);
        }
        var m = eps.abs().mean(new long[] { 0, 3 });                                                 // (G, G)
        m = m * torch.eye(genes, dtype: m.dtype, device: m.device).RSub(1L);
        return ToArray(m);
    }

    /// <summary>Standard deviation of each trait over the phenotypes developed from <paramref name="genomes"/>.</summary>
    public static double[] TraitStandardDeviations(Develop develop, ITraitExtractor traits, Tensor genomes)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var t = traits.Extract(develop(genomes));                                                     // (N, T)
        return t.std(new long[] { 0 }).to(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    internal static double[,] ToArray(Tensor m)
    {
        var flat = m.to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        int r = (int)m.shape[0], c = (int)m.shape[1];
        var a = new double[r, c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) a[i, j] = flat[i * c + j];
        return a;
    }

    private static void CheckGenomes(Tensor genomes)
    {
        if (genomes.dim() != 2 || genomes.shape[0] < 1)
            throw new UserInputException($"genomes must be a (N, G) batch with N >= 1, got ({string.Join(", ", genomes.shape)}).");
    }
}
