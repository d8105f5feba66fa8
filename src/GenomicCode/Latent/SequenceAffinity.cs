using GenomicCode.Core;
using GenomicCode.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenomicCode.Latent;

/// <summary>The regulatory parameters a nucleotide genome encodes, for a gene-regulatory-network decoder.</summary>
/// <param name="Weights">(B, G, G): W[b, target, regulator], the effect of gene <c>regulator</c>'s product on gene <c>target</c>.</param>
/// <param name="Biases">(B, G): basal activity b[b, gene].</param>
public sealed record GeneRegulation(Tensor Weights, Tensor Biases);

/// <summary>Options of <see cref="SequenceAffinity"/>.</summary>
public sealed record SequenceAffinityOptions
{
    /// <summary>
    /// Softness tau of the soft maximum over offsets (> 0); small is close to the hard maximum. Default 0.2: on random
    /// 8-gene genomes (motif 6, cis 24) a point mutation then moves about 7 entries of W, the largest carrying about a
    /// third of the change (0.1: 40 %, larger single changes; 0.5: 29 %, but less specific binding).
    /// </summary>
    public double Softness { get; init; } = 0.2;

    /// <summary>Initial gain (learnable): weight per unit of affinity. Default 4.</summary>
    public double Gain { get; init; } = 4;

    /// <summary>Initial threshold (learnable): affinity above it activates, below it represses. Default 0.5.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public SequenceAffinityOptions Validate()
    {
        Guard.Positive(Softness);
        if (!double.IsFinite(Gain)) throw new UserInputException($"Gain must be finite, got {Gain}.");
        if (!double.IsFinite(Threshold)) throw new UserInputException($"Threshold must be finite, got {Threshold}.");
        return this;
    }
}

/// <summary>
/// Sequence to affinity: turns (relaxed) nucleotide genomes (B, L, 4) into the regulatory matrix W(g) and biases b(g).
/// Factor f's motif is a position weight matrix PWM_f(p, k) = sum_j M_f(p, j) S[j, k] (S a learnable 4 x 4 substitution
/// score, initially the identity, so a motif scores the fraction of matching bases; Stormo 2000, "DNA binding sites:
/// representation and discovery"). Its score against gene h's cis region at offset o is
/// s(f, h, o) = (1/m) sum_p sum_k PWM_f(p, k) C_h(o + p, k); the affinity is the soft maximum over the O offsets,
/// A(h, f) = tau (logsumexp_o s(f, h, o) / tau - log O), and W(h, f) = gain (A(h, f) - threshold). The bias of gene h is
/// b(h) = mean over its cis positions of a learnable per-base score v (basal promoter strength). A point mutation in
/// factor f's motif moves all of column f, one in gene h's cis region all of row h, each entry by at most
/// 2 |gain| max|S| / m (|gain| / m for one-hot sequences and the initial S = I): the distributed, indirect genotype-phenotype map of Mitchell and Cheney (2024).
/// </summary>
public sealed class SequenceAffinity : nn.Module<Tensor, GeneRegulation>
{
    private readonly Parameter substitution;
    private readonly Parameter gain;
    private readonly Parameter threshold;
    private readonly Parameter baseScore;

    /// <summary>Creates the layer for a layout.</summary>
    public SequenceAffinity(NucleotideLayout layout, SequenceAffinityOptions? options = null) : base(nameof(SequenceAffinity))
    {
        Layout = layout.Validate();
        Options = (options ?? new SequenceAffinityOptions()).Validate();
        substitution = nn.Parameter(torch.eye(4));
        gain = nn.Parameter(torch.tensor((float)Options.Gain));
        threshold = nn.Parameter(torch.tensor((float)Options.Threshold));
        baseScore = nn.Parameter(torch.tensor(new float[] { -0.5f, 0.5f, 0.5f, -0.5f })); // GC-rich cis regions start more active
        RegisterComponents();
    }

    /// <summary>The genome layout.</summary>
    public NucleotideLayout Layout { get; }

    /// <summary>The options.</summary>
    public SequenceAffinityOptions Options { get; }

    /// <summary>Affinities A (B, G, G) in [mean score, max score]: A[b, target, regulator].</summary>
    public Tensor Affinity(Tensor sequence)
    {
        var (motifs, cis) = Split(sequence);
        int m = Layout.MotifLength;
        var pwm = motifs.matmul(substitution);                                   // (B, G, m, 4)
        var windows = cis.unfold(2, m, 1).permute(0, 1, 2, 4, 3);                // (B, G, O, m, 4): windows[b, h, o, p, k] = C_h(o + p, k)
        var scores = torch.einsum("bfpk,bhopk->bhfo", pwm, windows).Div(m);        // (B, G_target, G_regulator, O)
        double tau = Options.Softness;
        return scores.Div(tau).logsumexp(-1).Sub(Math.Log(Layout.Offsets)).Mul(tau); // (B, G, G)
    }

    /// <inheritdoc />
    public override GeneRegulation forward(Tensor sequence)
    {
        var weights = gain * (Affinity(sequence) - threshold);                    // (B, G, G)
        var (_, cis) = Split(sequence);
        var biases = cis.matmul(baseScore).mean(new long[] { 2 });                // (B, G, c) -> (B, G)
        return new GeneRegulation(weights, biases);
    }

    private (Tensor Motifs, Tensor Cis) Split(Tensor sequence)
    {
        if (sequence.dim() != 3 || sequence.shape[2] != 4)
            throw new UserInputException($"expected relaxed one-hot sequences of shape (B, L, 4), got ({string.Join(", ", sequence.shape)}).");
        Layout.CheckLength(sequence.shape[1], "the sequence");
        var genes = sequence.view(sequence.shape[0], Layout.Genes, Layout.GeneLength, 4);   // (B, G, m + c, 4)
        return (genes.narrow(2, 0, Layout.MotifLength), genes.narrow(2, Layout.MotifLength, Layout.CisLength)); // (B, G, m, 4), (B, G, c, 4)
    }
}
