using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenomicCode.Latent;

/// <summary>The regulatory parameters a nucleotide genome encodes, for a gene-regulatory-network decoder.</summary>
/// <param name="Weights">(B, G, R): W[b, target, regulator], the effect of regulator <c>regulator</c> (gene factors, then signal factors) on gene <c>target</c>.</param>
/// <param name="Biases">(B, G): basal activity b[b, gene].</param>
public sealed record GeneRegulation(Tensor Weights, Tensor Biases);

/// <summary>Options of <see cref="SequenceAffinity"/>.</summary>
public sealed record SequenceAffinityOptions
{
    /// <summary>
    /// Pseudocount weight eps in (0, 1) of the position weight matrix: a motif's base frequencies are
    /// (1 - eps) x its (relaxed) one-hot bases + eps / 4. Default 0.1: a matching base scores ln 3.7 = 1.31, a mismatch
    /// ln 0.1 = -2.30.
    /// </summary>
    public double Pseudocount { get; init; } = 0.1;

    /// <summary>
    /// Initial chemical potential mu (learnable), in units of kT: a cis region is half occupied by a factor when the
    /// summed Boltzmann weights of its sites equal e^mu. Default 3: a perfect 5-base site is occupied 97 %, a site with one
    /// mismatch about 48 %, random regions about 5 %.
    /// </summary>
    public double Potential { get; init; } = 3;

    /// <summary>Initial gain (learnable): regulatory weight per unit of occupancy. Default 2.</summary>
    public double Gain { get; init; } = 2;

    /// <summary>Initial threshold (learnable): occupancy above it activates the target, below it represses. Default 0.1.</summary>
    public double Threshold { get; init; } = 0.1;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public SequenceAffinityOptions Validate()
    {
        if (!(Pseudocount > 0 && Pseudocount < 1)) throw new UserInputException($"Pseudocount must be in (0, 1), got {Pseudocount}.");
        if (!double.IsFinite(Potential)) throw new UserInputException($"Potential must be finite, got {Potential}.");
        if (!double.IsFinite(Gain)) throw new UserInputException($"Gain must be finite, got {Gain}.");
        if (!double.IsFinite(Threshold)) throw new UserInputException($"Threshold must be finite, got {Threshold}.");
        return this;
    }
}

/// <summary>
/// Sequence to affinity, as the thermodynamic picture of transcription-factor binding has it: turns (relaxed) nucleotide
/// genomes (B, L, 4) into the regulatory matrix W(g) (B, G, R) among the G genes and the R = G + S regulators (the genes'
/// factors, then the signal factors of the layout) and the basal biases b(g) (B, G).
/// <list type="number">
/// <item>Position weight matrix of factor f from its motif M_f (m x 4, one-hot or relaxed): base frequencies
/// F_f(p, k) = (1 - eps) M_f(p, k) + eps / 4 against the uniform background q_k = 1/4 give the log-odds weights
/// w_f(p, k) = ln(F_f(p, k) / q_k) = ln(4 (1 - eps) M_f(p, k) + eps) (Stormo 2000, "DNA binding sites: representation
/// and discovery", Bioinformatics 16:16, log-odds weight matrices with pseudocounts).</item>
/// <item>Site score: S(h, f, i) = sum_p sum_k w_f(p, k) X_i(p, k) for every window i of m positions of gene h's cis region
/// C_h on both strands: the forward windows X(p, k) = C_h(o + p, k) and the windows of the reverse complement
/// RC_h(p, k) = C_h(c - 1 - p, 3 - k) (A-T and C-G pair; indices in ACGT order), 2 (c - m + 1) sites in all.</item>
/// <item>Occupancy: reading the score as minus the binding energy in units of kT, and letting at most one molecule of f
/// sit on the region at a time, the region's states are empty (weight 1) or bound at site i (weight e^(S_i - mu)), so
/// p_bound(h, f) = sum_i e^(S_i - mu) / (1 + sum_i e^(S_i - mu)) = sigmoid(logsumexp_i S_i - mu): the occupancy of the
/// thermodynamic model of Bintu et al. 2005 ("Transcriptional regulation by the numbers: models", Curr Opin Genet Dev
/// 15:116, the simple binding model, where mu stands for -ln(P / N_NS)), summed over alternative sites. mu is learnable.</item>
/// <item>Regulation (our variant): W(h, f) = gain (p_bound(h, f) - threshold), a bound factor above the threshold
/// activating and below it repressing; b(h) = the mean over gene h's cis positions of a learnable per-base score v
/// (basal promoter strength). gain and threshold are learnable.</item>
/// </list>
/// A point mutation in factor f's motif moves column f of W, one in gene h's cis region row h and b(h): the distributed,
/// indirect genotype-phenotype map of Mitchell and Cheney (2024).
/// </summary>
public sealed class SequenceAffinity : nn.Module<Tensor, GeneRegulation>
{
    private readonly Parameter potential;
    private readonly Parameter gain;
    private readonly Parameter threshold;
    private readonly Parameter baseScore;

    /// <summary>Creates the layer for a layout.</summary>
    public SequenceAffinity(NucleotideLayout layout, SequenceAffinityOptions? options = null) : base(nameof(SequenceAffinity))
    {
        Layout = layout.Validate();
        Options = (options ?? new SequenceAffinityOptions()).Validate();
        potential = nn.Parameter(torch.tensor((float)Options.Potential));
        gain = nn.Parameter(torch.tensor((float)Options.Gain));
        threshold = nn.Parameter(torch.tensor((float)Options.Threshold));
        baseScore = nn.Parameter(torch.tensor(new float[] { -0.5f, 0.5f, 0.5f, -0.5f })); // GC-rich cis regions start more active
        RegisterComponents();
    }

    /// <summary>The genome layout.</summary>
    public NucleotideLayout Layout { get; }

    /// <summary>The options.</summary>
    public SequenceAffinityOptions Options { get; }

    /// <summary>
    /// Log-odds scores S (B, G, R, 2 O) of every regulator's motif at every site of every gene's cis region: the O forward
    /// windows in order, then the O windows of the reverse complement (starting at the far end of the region).
    /// </summary>
    public Tensor SiteScores(Tensor sequence)
    {
        var (motifs, cis) = Split(sequence);                                        // (B, R, m, 4), (B, G, c, 4)
        int m = Layout.MotifLength;
        double eps = Options.Pseudocount;
        var pwm = motifs.Mul(4 * (1 - eps)).Add(eps).log();                        // (B, R, m, 4) w_f(p, k)
        var reverse = cis.flip(2, 3);                                               // reverse complement: C(c - 1 - p, 3 - k)
        var windows = torch.cat(new[] { cis.unfold(2, m, 1), reverse.unfold(2, m, 1) }, 2)
            .permute(0, 1, 2, 4, 3);                                                // (B, G, 2O, m, 4): windows[b, h, i, p, k]
        return torch.einsum("brpk,bhipk->bhri", pwm, windows);                      // (B, G_target, R, 2O)
    }

    /// <summary>Occupancies p_bound (B, G, R) in (0, 1): p_bound[b, target, regulator] = sigmoid(logsumexp_i S_i - mu).</summary>
    public Tensor Occupancy(Tensor sequence) => torch.sigmoid(SiteScores(sequence).logsumexp(-1) - potential);

    /// <inheritdoc />
    public override GeneRegulation forward(Tensor sequence)
    {
        var weights = gain * (Occupancy(sequence) - threshold);                    // (B, G, R)
        var (_, cis) = Split(sequence);
        var biases = cis.matmul(baseScore).mean(new long[] { 2 });                // (B, G, c) -> (B, G)
        return new GeneRegulation(weights, biases);
    }

    private (Tensor Motifs, Tensor Cis) Split(Tensor sequence)
    {
        if (sequence.dim() != 3 || sequence.shape[2] != 4)
            throw new UserInputException($"expected relaxed one-hot sequences of shape (B, L, 4), got ({string.Join(", ", sequence.shape)}).");
        Layout.CheckLength(sequence.shape[1], "the sequence");
        long b = sequence.shape[0];
        int g = Layout.Genes, m = Layout.MotifLength;
        var genes = sequence.narrow(1, 0, (long)g * Layout.GeneLength).reshape(b, g, Layout.GeneLength, 4);   // (B, G, m + c, 4)
        var motifs = genes.narrow(2, 0, m);                                                                       // (B, G, m, 4)
        if (Layout.Signals > 0)
        {
            var signals = sequence.narrow(1, (long)g * Layout.GeneLength, (long)Layout.Signals * m).reshape(b, Layout.Signals, m, 4); // (B, S, m, 4)
            motifs = torch.cat(new[] { motifs, signals }, 1);                                                      // (B, R, m, 4)
        }
        return (motifs, genes.narrow(2, m, Layout.CisLength));                                                    // (B, R, m, 4), (B, G, c, 4)
    }
}
