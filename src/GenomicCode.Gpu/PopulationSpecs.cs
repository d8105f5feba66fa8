using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Development;

namespace GenomicCode.Gpu;

/// <summary>
/// What the kernels need to know of an NCA population (<see cref="NcaDecoder"/>), without TorchSharp: sizes, options
/// and where each parameter sits in an individual's flat weight vector. The offsets follow
/// <see cref="Evolution.ParameterVector"/> on an <see cref="NcaDecoder"/> (its own parameters first, then its layers in
/// declaration order): readoutGain (R), readoutBias (R), hidden.weight (H x 3C), hidden.bias (H), update.weight (C x H),
/// seed.weight ((C - R - 1) x G), seed.bias (C - R - 1), and with a genome condition everyCell.weight (H x G),
/// everyCell.bias (H).
/// </summary>
public sealed record NcaSpec
{
    /// <summary>Genome width G.</summary>
    public required int GenomeSize { get; init; }

    /// <summary>Channels per cell C (at most <see cref="MaxChannels"/> in the kernels).</summary>
    public required int Channels { get; init; }

    /// <summary>Readout channels R (the phenotype's channels); channel R is alpha.</summary>
    public int Readout { get; init; } = 1;

    /// <summary>Hidden width H of the per-cell network.</summary>
    public required int Hidden { get; init; }

    /// <summary>Grid side.</summary>
    public required int Grid { get; init; }

    /// <summary>Whether a linear map of the genome is added to every cell's hidden layer.</summary>
    public bool ConditionEveryCell { get; init; }

    /// <summary>Alive threshold on alpha in the 3x3 neighbourhood.</summary>
    public double AliveThreshold { get; init; } = 0.1;

    /// <summary>Probability that a cell updates in a step.</summary>
    public double FireRate { get; init; } = 0.5;

    /// <summary>Standard deviation of the developmental noise added to firing cells' updates.</summary>
    public double Noise { get; init; }

    /// <summary>Every cell starts as the seed cell (<c>full</c>) instead of the centre cell alone.</summary>
    public bool FullStart { get; init; }

    /// <summary>The largest channel count the kernels hold per cell.</summary>
    public const int MaxChannels = 32;

    /// <summary>Offset of readoutGain.</summary>
    public int GainOffset => 0;

    /// <summary>Offset of readoutBias.</summary>
    public int BiasOffset => Readout;

    /// <summary>Offset of hidden.weight (H x 3C).</summary>
    public int HiddenWeightOffset => 2 * Readout;

    /// <summary>Offset of hidden.bias (H).</summary>
    public int HiddenBiasOffset => HiddenWeightOffset + Hidden * 3 * Channels;

    /// <summary>Offset of update.weight (C x H).</summary>
    public int UpdateWeightOffset => HiddenBiasOffset + Hidden;

    /// <summary>Offset of seed.weight ((C - R - 1) x G).</summary>
    public int SeedWeightOffset => UpdateWeightOffset + Channels * Hidden;

    /// <summary>Offset of seed.bias.</summary>
    public int SeedBiasOffset => SeedWeightOffset + SeedSize * GenomeSize;

    /// <summary>Offset of everyCell.weight (H x G), when <see cref="ConditionEveryCell"/>.</summary>
    public int ConditionWeightOffset => SeedBiasOffset + SeedSize;

    /// <summary>Offset of everyCell.bias (H), when <see cref="ConditionEveryCell"/>.</summary>
    public int ConditionBiasOffset => ConditionWeightOffset + Hidden * GenomeSize;

    /// <summary>Hidden channels of the seed cell, C - R - 1.</summary>
    public int SeedSize => Channels - Readout - 1;

    /// <summary>D: weights per individual.</summary>
    public int ParameterCount => ConditionEveryCell ? ConditionBiasOffset + Hidden : ConditionWeightOffset;

    /// <summary>The layout (name, offset, length), in vector order.</summary>
    public IReadOnlyList<(string Name, int Offset, int Length)> Layout
    {
        get
        {
            var l = new List<(string, int, int)>
            {
                ("readoutGain", GainOffset, Readout), ("readoutBias", BiasOffset, Readout),
                ("hidden.weight", HiddenWeightOffset, Hidden * 3 * Channels), ("hidden.bias", HiddenBiasOffset, Hidden),
                ("update.weight", UpdateWeightOffset, Channels * Hidden),
                ("seed.weight", SeedWeightOffset, SeedSize * GenomeSize), ("seed.bias", SeedBiasOffset, SeedSize),
            };
            if (ConditionEveryCell) l.AddRange(new[] { ("everyCell.weight", ConditionWeightOffset, Hidden * GenomeSize), ("everyCell.bias", ConditionBiasOffset, Hidden) });
            return l;
        }
    }

    /// <summary>The spec of <paramref name="decoder"/>'s architecture and options.</summary>
    public static NcaSpec Of(NcaDecoder decoder) => new()
    {
        GenomeSize = decoder.GenomeSize, Channels = decoder.Options.Channels, Readout = decoder.PhenotypeShape.Channels,
        Hidden = decoder.Options.HiddenSize, Grid = decoder.GridSize, ConditionEveryCell = decoder.Options.ConditionEveryCell,
        AliveThreshold = decoder.Options.AliveThreshold, FireRate = decoder.Options.FireRate, Noise = decoder.Options.Noise,
        FullStart = decoder.Options.Start == "full",
    };

    /// <summary>Throws a one-line <see cref="UserInputException"/> when the kernels cannot develop this spec.</summary>
    public NcaSpec Validate()
    {
        if (Channels < Readout + 2 || Channels > MaxChannels)
            throw new UserInputException($"the ILGPU NCA kernels take {Readout + 2}..{MaxChannels} channels, got {Channels}; use the torch backend for more.");
        if (Grid < 3 || Grid > GpuLimits.MaxGrid) throw new UserInputException($"the ILGPU kernels take grids of 3..{GpuLimits.MaxGrid}, got {Grid}.");
        if (Hidden < 1 || GenomeSize < 1) throw new UserInputException($"the NCA needs hidden width and genome size >= 1, got {Hidden} and {GenomeSize}.");
        return this;
    }
}

/// <summary>
/// What the kernels need to know of a GRN population (<see cref="GrnDecoder"/>), without TorchSharp. Offsets follow
/// <see cref="Evolution.ParameterVector"/> on a <see cref="GrnDecoder"/>: baseWeights (N x I), baseBias (N), readoutGain
/// (R), readoutBias (R), hyperHidden.weight (Hd x G), hyperHidden.bias (Hd), hyperOut.weight ((N I + N) x Hd),
/// hyperOut.bias (N I + N), maternal.weight ((N - R - 1) x G), maternal.bias (N - R - 1); I = N + 3M inputs per gene.
/// </summary>
public sealed record GrnSpec
{
    /// <summary>Genome width G.</summary>
    public required int GenomeSize { get; init; }

    /// <summary>Genes per cell N (at most <see cref="MaxGenes"/> in the kernels).</summary>
    public required int Genes { get; init; }

    /// <summary>Secreted genes M: the first M genes, read by each cell's eight neighbours.</summary>
    public required int Morphogens { get; init; }

    /// <summary>Readout genes R; gene R is the alive gene.</summary>
    public int Readout { get; init; } = 1;

    /// <summary>Hypernetwork width Hd.</summary>
    public required int Hidden { get; init; }

    /// <summary>Grid side.</summary>
    public required int Grid { get; init; }

    /// <summary>Rate tau of the leaky dynamics x &lt;- (1 - tau) x + tau f(.), the only dynamics the kernels run.</summary>
    public double Tau { get; init; } = 0.2;

    /// <summary>Alive threshold on the alive gene in the 3x3 neighbourhood.</summary>
    public double AliveThreshold { get; init; } = 0.1;

    /// <summary>Standard deviation of the developmental noise.</summary>
    public double Noise { get; init; }

    /// <summary>f is the logistic sigmoid instead of tanh.</summary>
    public bool Sigmoid { get; init; }

    /// <summary>Every cell starts as the zygote (<c>full</c>) instead of the centre cell alone.</summary>
    public bool FullStart { get; init; }

    /// <summary>The largest gene count the kernels hold per cell.</summary>
    public const int MaxGenes = 32;

    /// <summary>Regulatory inputs per gene I = N + 3M.</summary>
    public int Inputs => Genes + 3 * Morphogens;

    /// <summary>Hypernetwork outputs N I + N.</summary>
    public int Regulation => Genes * Inputs + Genes;

    /// <summary>Maternal factors N - R - 1.</summary>
    public int MaternalSize => Genes - Readout - 1;

    /// <summary>Offset of baseWeights (N x I).</summary>
    public int BaseWeightOffset => 0;

    /// <summary>Offset of baseBias (N).</summary>
    public int BaseBiasOffset => Genes * Inputs;

    /// <summary>Offset of readoutGain (R).</summary>
    public int GainOffset => BaseBiasOffset + Genes;

    /// <summary>Offset of readoutBias (R).</summary>
    public int BiasOffset => GainOffset + Readout;

    /// <summary>Offset of hyperHidden.weight (Hd x G).</summary>
    public int HyperHiddenWeightOffset => BiasOffset + Readout;

    /// <summary>Offset of hyperHidden.bias (Hd).</summary>
    public int HyperHiddenBiasOffset => HyperHiddenWeightOffset + Hidden * GenomeSize;

    /// <summary>Offset of hyperOut.weight ((N I + N) x Hd).</summary>
    public int HyperOutWeightOffset => HyperHiddenBiasOffset + Hidden;

    /// <summary>Offset of hyperOut.bias (N I + N).</summary>
    public int HyperOutBiasOffset => HyperOutWeightOffset + Regulation * Hidden;

    /// <summary>Offset of maternal.weight ((N - R - 1) x G).</summary>
    public int MaternalWeightOffset => HyperOutBiasOffset + Regulation;

    /// <summary>Offset of maternal.bias (N - R - 1).</summary>
    public int MaternalBiasOffset => MaternalWeightOffset + MaternalSize * GenomeSize;

    /// <summary>D: weights per individual.</summary>
    public int ParameterCount => MaternalBiasOffset + MaternalSize;

    /// <summary>The layout (name, offset, length), in vector order.</summary>
    public IReadOnlyList<(string Name, int Offset, int Length)> Layout => new[]
    {
        ("baseWeights", BaseWeightOffset, Genes * Inputs), ("baseBias", BaseBiasOffset, Genes),
        ("readoutGain", GainOffset, Readout), ("readoutBias", BiasOffset, Readout),
        ("hyperHidden.weight", HyperHiddenWeightOffset, Hidden * GenomeSize), ("hyperHidden.bias", HyperHiddenBiasOffset, Hidden),
        ("hyperOut.weight", HyperOutWeightOffset, Regulation * Hidden), ("hyperOut.bias", HyperOutBiasOffset, Regulation),
        ("maternal.weight", MaternalWeightOffset, MaternalSize * GenomeSize), ("maternal.bias", MaternalBiasOffset, MaternalSize),
    };

    /// <summary>The spec of <paramref name="decoder"/>'s architecture and options.</summary>
    public static GrnSpec Of(GrnDecoder decoder) => new()
    {
        GenomeSize = decoder.GenomeSize, Genes = decoder.Genes, Morphogens = decoder.Options.Morphogens,
        Readout = decoder.PhenotypeShape.Channels, Hidden = decoder.Options.HiddenSize, Grid = decoder.GridSize,
        Tau = decoder.Options.Tau, AliveThreshold = decoder.Options.AliveThreshold, Noise = decoder.Options.Noise,
        Sigmoid = decoder.Options.Activation == "sigmoid", FullStart = decoder.Options.Start == "full",
    };

    /// <summary>Throws a one-line <see cref="UserInputException"/> when the kernels cannot develop this spec.</summary>
    public GrnSpec Validate()
    {
        if (Genes < Readout + 1 || Genes > MaxGenes)
            throw new UserInputException($"the ILGPU GRN kernels take {Readout + 1}..{MaxGenes} genes, got {Genes}; use the torch backend for more.");
        if (Morphogens < 1 || Morphogens > Genes) throw new UserInputException($"morphogens must be in [1, {Genes}], got {Morphogens}.");
        if (Grid < 3 || Grid > GpuLimits.MaxGrid) throw new UserInputException($"the ILGPU kernels take grids of 3..{GpuLimits.MaxGrid}, got {Grid}.");
        if (Hidden < 1 || GenomeSize < 1) throw new UserInputException($"the GRN needs hypernetwork width and genome size >= 1, got {Hidden} and {GenomeSize}.");
        return this;
    }
}

/// <summary>Limits of the kernels.</summary>
public static class GpuLimits
{
    /// <summary>Largest grid side: two per-cell flags of a G x G grid live in a group's shared memory (32 KiB at G = 64).</summary>
    public const int MaxGrid = 64;

    /// <summary>Shared memory a kernel asks for at most (the CUDA default per block without opt-in is 48 KiB).</summary>
    public const int SharedBytes = 48 * 1024;
}
