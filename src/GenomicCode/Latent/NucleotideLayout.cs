using GenomicCode.Core;

namespace GenomicCode.Latent;

/// <summary>
/// How a nucleotide genome is organised: <see cref="Genes"/> genes laid end to end, each a transcription-factor motif
/// of <see cref="MotifLength"/> positions followed by its cis-regulatory region of <see cref="CisLength"/> positions,
/// then <see cref="Signals"/> signal-responsive factors, each a motif alone (the factor a cell-to-cell signal activates;
/// it binds the genes' cis regions but has no cis region of its own). Gene g occupies positions [g (m + c), (g + 1)(m + c));
/// its motif comes first; signal factor s occupies [G (m + c) + s m, G (m + c) + (s + 1) m). Positions hold A, C, G or T
/// (indices 0..3 in <see cref="NucleotideGenome.Alphabet"/> order).
/// </summary>
public sealed record NucleotideLayout
{
    /// <summary>Number of genes G (1..4096). Default 8.</summary>
    public int Genes { get; init; } = 8;

    /// <summary>Motif length m of each gene's transcription factor (1..64). Default 6.</summary>
    public int MotifLength { get; init; } = 6;

    /// <summary>Length c of each gene's cis-regulatory region (m..4096). Default 24.</summary>
    public int CisLength { get; init; } = 24;

    /// <summary>Signal-responsive factors S after the genes, each a motif of m positions (0..4096). Default 0.</summary>
    public int Signals { get; init; }

    /// <summary>Regulators: the G genes' factors, then the S signal factors.</summary>
    public int Regulators => Genes + Signals;

    /// <summary>Positions per gene, m + c.</summary>
    public int GeneLength => MotifLength + CisLength;

    /// <summary>Total sequence length L = G (m + c) + S m.</summary>
    public int Length => Genes * GeneLength + Signals * MotifLength;

    /// <summary>Offsets at which a motif can sit inside a cis region: c - m + 1.</summary>
    public int Offsets => CisLength - MotifLength + 1;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field.</summary>
    public NucleotideLayout Validate()
    {
        Guard.InRange(Genes, 1, 4096);
        Guard.InRange(MotifLength, 1, 64);
        Guard.InRange(Signals, 0, 4096);
        if (CisLength < MotifLength || CisLength > 4096)
            throw new UserInputException($"CisLength must be in [MotifLength = {MotifLength}, 4096] so a motif fits in it, got {CisLength}.");
        return this;
    }

    /// <summary>Requires a sequence of exactly <see cref="Length"/> positions; <paramref name="what"/> names it in the error.</summary>
    public void CheckLength(long length, string what)
    {
        if (length != Length)
            throw new UserInputException($"{what} has {length} positions, but the layout ({Shape}) needs {Length}.");
    }

    /// <summary>Describes the layout in words, e.g. for logs.</summary>
    public override string ToString() => $"{Shape} = {Length} positions";

    private string Shape => $"{Genes} genes x ({MotifLength} motif + {CisLength} cis)" + (Signals > 0 ? $" + {Signals} signal motifs x {MotifLength}" : "");
}
