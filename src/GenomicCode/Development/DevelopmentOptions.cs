using GenomicCode.Core;

namespace GenomicCode.Development;

/// <summary>
/// Options of the developmental decoders (NCA, GRN, energy landscape). Defaults follow Growing NCA
/// (Mordvintsev et al. 2020: 16 channels, 128 hidden, fire rate 0.5, alive threshold 0.1) and Kouvaris et al. 2017
/// (tau 0.2, tanh). Fields a decoder does not use are ignored by it.
/// </summary>
public sealed record DevelopmentOptions
{
    /// <summary>Developmental steps (1..100000); the fixed count, or the lower end of the sampled range. Default 48.</summary>
    public int Steps { get; init; } = 48;

    /// <summary>
    /// Upper end of the step range sampled uniformly per call while training (Growing NCA samples 64..96);
    /// 0 keeps the count fixed at <see cref="Steps"/>. Outside training the decoder always runs <see cref="Steps"/>.
    /// Default 0.
    /// </summary>
    public int MaxSteps { get; init; }

    /// <summary>Developmental noise: standard deviation of Gaussian state noise per step (the temperature T of the landscape decoder) (>= 0). Default 0.</summary>
    public double Noise { get; init; }

    /// <summary>Probability that a cell updates in a step (stochastic update mask, Growing NCA) in (0, 1]. Default 0.5.</summary>
    public double FireRate { get; init; } = 0.5;

    /// <summary>State channels per cell: NCA channels, GRN genes, landscape state dimensions (3..256). Default 16.</summary>
    public int Channels { get; init; } = 16;

    /// <summary>Width of the per-cell network (NCA hidden 1x1 layer, GRN hypernetwork, landscape potential) (8..4096). Default 128.</summary>
    public int HiddenSize { get; init; } = 128;

    /// <summary>
    /// Side of the developmental grid; 0 develops at the phenotype's own size. A coarser grid is upsampled (bilinear) to the
    /// phenotype. Must be 0 or >= 3 (the 3x3 perception kernel). Default 0.
    /// </summary>
    public int Grid { get; init; }

    /// <summary>A cell is alive when the alpha channel (NCA) or alive gene (GRN) exceeds this in its 3x3 neighbourhood (0..1). Default 0.1.</summary>
    public double AliveThreshold { get; init; } = 0.1;

    /// <summary>GRN rate tau in (0, 1] of x &lt;- (1 - tau) x + tau f(W x + b + signals) (Watson et al. 2014). Default 0.2.</summary>
    public double Tau { get; init; } = 0.2;

    /// <summary>GRN activation f: <c>tanh</c> or <c>sigmoid</c>. Default <c>tanh</c>.</summary>
    public string Activation { get; init; } = "tanh";

    /// <summary>GRN morphogens: how many genes are secreted and diffuse to neighbours (1..Channels). Default 4.</summary>
    public int Morphogens { get; init; } = 4;

    /// <summary>Landscape decoder step size eta of the Langevin update (> 0). Default 0.1.</summary>
    public double StepSize { get; init; } = 0.1;

    /// <summary>
    /// NCA: also add a linear map of the genome to every cell's hidden layer (a conditional NCA). False grows from the
    /// genome in the seed cell alone (VNCA, Palm et al. 2022). Default false.
    /// </summary>
    public bool ConditionEveryCell { get; init; }

    /// <summary>
    /// Where development starts (NCA and GRN): <c>seed</c>, one living cell (the zygote) at the centre of an empty grid
    /// (Growing NCA, Watson et al.); or <c>full</c>, every cell a copy of that cell, a uniform living tissue whose
    /// symmetry only the borders and the stochastic updates break. Default <c>seed</c>.
    /// </summary>
    public string Start { get; init; } = "seed";

    /// <summary>
    /// NCA: run the per-cell network only on the cells that fire in the step and have a cell alive before it in their
    /// 3x3 neighbourhood, and scatter their updates back. Exact: every other cell's update is discarded by the fire or
    /// alive masks and never reaches a living cell's alive test. It saves the work of dead cells (most of the grid early
    /// in growth from a seed) and of resting cells (1 - fire rate of the rest).
    /// False runs the network on every cell, as Growing NCA's reference code does. Default true.
    /// </summary>
    public bool SparseUpdates { get; init; } = true;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field and its allowed range.</summary>
    public DevelopmentOptions Validate()
    {
        if (Steps < 1 || Steps > 100_000) throw new UserInputException($"Steps must be in [1, 100000], got {Steps}; development needs at least one step.");
        if (MaxSteps != 0 && (MaxSteps < Steps || MaxSteps > 100_000))
            throw new UserInputException($"MaxSteps must be 0 (fixed steps) or in [Steps={Steps}, 100000], got {MaxSteps}.");
        if (!(Noise >= 0) || double.IsInfinity(Noise)) throw new UserInputException($"Noise must be a finite number >= 0, got {Noise}.");
        if (!(FireRate > 0 && FireRate <= 1)) throw new UserInputException($"FireRate must be in (0, 1], got {FireRate}.");
        Guard.InRange(Channels, 3, 256);
        Guard.InRange(HiddenSize, 8, 4096);
        if (Grid != 0 && (Grid < 3 || Grid > 4096))
            throw new UserInputException($"Grid must be 0 (the phenotype size) or in [3, 4096] (at least the 3x3 perception kernel), got {Grid}.");
        Guard.InRange(AliveThreshold, 0, 1);
        if (!(Tau > 0 && Tau <= 1)) throw new UserInputException($"Tau must be in (0, 1], got {Tau}.");
        if (Activation is not ("tanh" or "sigmoid")) throw new UserInputException($"Activation must be tanh or sigmoid, got '{Activation}'.");
        if (Morphogens < 1 || Morphogens > Channels) throw new UserInputException($"Morphogens must be in [1, Channels={Channels}], got {Morphogens}.");
        Guard.Positive(StepSize);
        if (Start is not ("seed" or "full")) throw new UserInputException($"Start must be seed or full, got '{Start}'.");
        return this;
    }
}
