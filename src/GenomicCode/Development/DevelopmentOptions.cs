using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;

namespace GenomicCode.Development;

/// <summary>
/// What every developmental decoder (NCA, GRN, energy landscape) reads: how long development runs, its noise, and the
/// size of a cell's (or the organism's) state and network. Each decoder's options record derives from this one and adds
/// its own fields. Defaults follow Growing NCA (Mordvintsev et al. 2020: 16 channels, 128 hidden).
/// </summary>
public abstract record DevelopmentOptions : IComponentOptions
{
    /// <summary>Developmental steps (1..100000); the fixed count, or the lower end of the sampled range. Default 48.</summary>
    [JsonPropertyOrder(-2)]
    public int Steps { get; init; } = 48;

    /// <summary>
    /// Upper end of the step range sampled uniformly per call while training (Growing NCA samples 64..96);
    /// 0 keeps the count fixed at <see cref="Steps"/>. Outside training the decoder always runs <see cref="Steps"/>.
    /// Default 0.
    /// </summary>
    [JsonPropertyOrder(-2)]
    public int MaxSteps { get; init; }

    /// <summary>Developmental noise: standard deviation of Gaussian state noise per step (the temperature T of the landscape decoder) (>= 0). Default 0.</summary>
    [JsonPropertyOrder(-2)]
    public double Noise { get; init; }

    /// <summary>State size: NCA channels per cell, GRN genes per cell, landscape state dimensions (3..256). Default 16.</summary>
    [JsonPropertyOrder(-2)]
    public int Channels { get; init; } = 16;

    /// <summary>Width of the developmental network (NCA per-cell hidden layer, GRN hypernetwork, landscape potential) (8..4096). Default 128.</summary>
    [JsonPropertyOrder(-2)]
    public int HiddenSize { get; init; } = 128;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field and its allowed range.</summary>
    public virtual void Validate()
    {
        if (Steps < 1 || Steps > 100_000) throw new UserInputException($"Steps must be in [1, 100000], got {Steps}; development needs at least one step.");
        if (MaxSteps != 0 && (MaxSteps < Steps || MaxSteps > 100_000))
            throw new UserInputException($"MaxSteps must be 0 (fixed steps) or in [Steps={Steps}, 100000], got {MaxSteps}.");
        if (!(Noise >= 0) || double.IsInfinity(Noise)) throw new UserInputException($"Noise must be a finite number >= 0, got {Noise}.");
        Guard.InRange(Channels, 3, 256);
        Guard.InRange(HiddenSize, 8, 4096);
    }
}

/// <summary>
/// What the decoders that develop on a grid of cells (NCA, GRN) read besides <see cref="DevelopmentOptions"/>: the grid,
/// when a cell is alive, and where development starts.
/// </summary>
public abstract record CellularOptions : DevelopmentOptions
{
    /// <summary>
    /// Side of the developmental grid; 0 develops at the phenotype's own size. A coarser grid is upsampled (bilinear) to the
    /// phenotype. Must be 0 or >= 3 (the 3x3 perception kernel). Default 0.
    /// </summary>
    [JsonPropertyOrder(-1)]
    public int Grid { get; init; }

    /// <summary>A cell is alive when the alpha channel (NCA) or alive gene (GRN) exceeds this in its 3x3 neighbourhood (0..1). Default 0.1.</summary>
    [JsonPropertyOrder(-1)]
    public double AliveThreshold { get; init; } = 0.1;

    /// <summary>
    /// Where development starts: <c>seed</c>, one living cell (the zygote) at the centre of an empty grid (Growing NCA,
    /// Watson et al.); or <c>full</c>, every cell a copy of that cell, a uniform living tissue whose symmetry only the
    /// borders and the stochastic updates break. Default <c>seed</c>.
    /// </summary>
    [JsonPropertyOrder(-1)]
    public string Start { get; init; } = "seed";

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Grid != 0 && (Grid < 3 || Grid > 4096))
            throw new UserInputException($"Grid must be 0 (the phenotype size) or in [3, 4096] (at least the 3x3 perception kernel), got {Grid}.");
        Guard.InRange(AliveThreshold, 0, 1);
        if (Start is not ("seed" or "full")) throw new UserInputException($"Start must be seed or full, got '{Start}'.");
    }
}
