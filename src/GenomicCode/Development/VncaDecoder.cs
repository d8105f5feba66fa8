using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace GenomicCode.Development;

/// <summary>
/// Options of the doubling VNCA decoder (Palm et al. 2022). Defaults: a 128-wide cell state and update network with 4
/// residual blocks, 8 steps per doubling stage for the 5 doublings from one cell to a 32x32 grid (40 steps).
/// </summary>
public sealed record VncaOptions : DevelopmentOptions
{
    /// <summary>
    /// State and hidden width 128 with 4 residual blocks (the MNIST model of the reproduction by Aillet and Sondén 2023),
    /// 40 steps (the reference implementation's 8 per stage, for the 5 doublings to 32x32).
    /// </summary>
    public VncaOptions()
    {
        Steps = 40;
        Channels = 128;
        HiddenSize = 128;
    }

    /// <summary>
    /// Cell divisions from the single seed cell; 0 takes the fewest that reach the phenotype's larger side (28 -> 5, a
    /// 32x32 grid). The final grid 2^Doublings must cover the phenotype, whose centre is then read out. 0 or 1..10. Default 0.
    /// </summary>
    public int Doublings { get; init; }

    /// <summary>Residual blocks (1x1 convolution, ELU, 1x1 convolution, plus the input) in the update network (0..16). Default 4.</summary>
    public int ResidualBlocks { get; init; } = 4;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Doublings < 0 || Doublings > 10) throw new UserInputException($"Doublings must be 0 (enough for the phenotype) or in [1, 10], got {Doublings}.");
        if (ResidualBlocks < 0 || ResidualBlocks > 16) throw new UserInputException($"ResidualBlocks must be in [0, 16], got {ResidualBlocks}.");
    }
}

/// <summary>
/// The doubling decoder of the Variational Neural Cellular Automaton (Palm et al. 2022, "Variational neural cellular
/// automata", ICLR; figure 1: "every eight steps all the cells duplicate"): development starts from ONE cell whose whole state is the genome, and the
/// grid doubles by cell division (every cell is copied into a 2x2 block: nearest-neighbour upsampling of the state)
/// between stages of NCA steps: 1 -> 2 -> 4 -> ... -> 2^D cells a side, with the steps run after each division
/// (at 2x2, 4x4, ..., 2^D x 2^D). Each step is a residual update of every cell, x + f(x), where f is a 3x3 convolution
/// (the learned perception) C -> H, <see cref="VncaOptions.ResidualBlocks"/> residual blocks of 1x1 convolutions with ELU, and
/// a 1x1 convolution H -> C, the last zero-initialised ("do nothing" at the start, Mordvintsev et al. 2020). No alive
/// masking and no stochastic update mask: every cell updates every step. The phenotype logits are the first P state
/// channels (P = phenotype channels; Bernoulli logits of the first channel for MNIST) of the centre H x W cells of the
/// final grid. The reference implementation grows a 2x2 seed of copies of z through 5 divisions with 8 steps per
/// stage and every cell updating every step, and grows 32x32 for its MNIST task; reading the centre 28x28 of the 32x32
/// grid here is our choice (zero-padding the data to 32x32 instead would add the border pixels' NLL, near zero once
/// trained).
/// When <see cref="DevelopmentOptions.Channels"/> equals the genome width the seed cell's state is the genome itself,
/// as in the paper; otherwise a learned linear map of the genome (our extension, for state sizes other than the latent's).
/// Developmental time: <see cref="DevelopmentOptions.Steps"/> steps spread evenly over the D stages (step t, 1-based, runs
/// in stage floor((t - 1) D / steps)), so 40 steps and 5 doublings are the reference implementation's 8 steps per stage.
/// </summary>
public sealed class VncaDecoder : DevelopmentalDecoder
{
    /// <summary>Catalogue entry.</summary>
    public static CatalogueEntry<VncaOptions, DecoderContext, GenomeDecoder> Entry { get; } = new(
        "vnca", "doubling VNCA: one cell holding the genome divides (1 -> 2 -> 4 -> ... cells a side) between stages of residual NCA steps (3x3 conv, 1x1 residual blocks, ELU); no alive masking.",
        "Palm, Gonzalez-Duque, Sudhakaran and Risi 2022, Variational neural cellular automata (ICLR)",
        (o, c) => new VncaDecoder(c.GenomeSize, c.PhenotypeShape, o));

    private readonly Conv2d perceive;            // C -> H, 3x3, padding 1
    private readonly ModuleList<Conv2d> blocks;  // 2 per residual block, H -> H, 1x1
    private readonly Conv2d output;              // H -> C, 1x1, zero-initialised
    private readonly Linear? seed;               // genome -> cell state, when the widths differ
    private readonly int channels;
    private readonly int readout;

    /// <summary>Creates the decoder for genomes of <paramref name="genomeSize"/> and phenotypes of the given shape.</summary>
    public VncaDecoder(int genomeSize, (int Channels, int Height, int Width) phenotypeShape, VncaOptions options)
        : base(nameof(VncaDecoder), genomeSize, phenotypeShape, options)
    {
        channels = options.Channels;
        readout = phenotypeShape.Channels;
        if (channels < readout)
            throw new UserInputException($"VncaDecoder reads the phenotype from the first state channels: Channels must be >= {readout} (phenotype channels), got {channels}.");
        int side = Math.Max(phenotypeShape.Height, phenotypeShape.Width);
        Doublings = options.Doublings == 0 ? DoublingsFor(side) : options.Doublings;
        if ((1 << Doublings) < side)
            throw new UserInputException($"VncaDecoder: {Doublings} doublings grow a {1 << Doublings}x{1 << Doublings} grid, smaller than the phenotype's side {side}; use Doublings >= {DoublingsFor(side)} or 0.");
        perceive = Conv2d(channels, options.HiddenSize, 3, padding: 1);
        blocks = new ModuleList<Conv2d>();
        for (int i = 0; i < 2 * options.ResidualBlocks; i++) blocks.Add(Conv2d(options.HiddenSize, options.HiddenSize, 1));
        output = Conv2d(options.HiddenSize, channels, 1);
        using (torch.no_grad())
        {
            output.weight!.zero_();   // Mordvintsev et al. 2020: the update starts as "do nothing"
            output.bias!.zero_();
        }
        seed = channels == genomeSize ? null : Linear(genomeSize, channels);
        RegisterComponents();
    }

    /// <summary>The decoder's options.</summary>
    public VncaOptions Options => (VncaOptions)SharedOptions;

    /// <summary>Cell divisions D from the seed cell; the final grid is 2^D a side.</summary>
    public int Doublings { get; }

    /// <summary>Side of the final grid, 2^<see cref="Doublings"/>.</summary>
    public int GridSize => 1 << Doublings;

    /// <summary>The fewest doublings d with 2^d >= <paramref name="side"/> (28 -> 5, 32 -> 5, 64 -> 6).</summary>
    public static int DoublingsFor(int side)
    {
        if (side < 1) throw new UserInputException($"a phenotype side must be >= 1, got {side}.");
        int d = 0;
        while ((1 << d) < side) d++;
        return d;
    }

    /// <summary>
    /// The stage (0..<paramref name="doublings"/> - 1) in which step <paramref name="step"/> (1-based) of
    /// <paramref name="steps"/> runs: floor((step - 1) doublings / steps). The grid in stage s is 2^(s + 1) a side.
    /// </summary>
    public static int StageOf(int step, int steps, int doublings) => (int)((long)(step - 1) * doublings / steps);

    /// <summary>Cell division: every cell becomes a 2x2 block of copies of itself, (B, C, G, G) -> (B, C, 2G, 2G).</summary>
    public static Tensor Divide(Tensor state) => state.repeat_interleave(2, 2).repeat_interleave(2, 3);

    /// <summary>The seed: one cell (B, C, 1, 1) whose state is the genome (or its linear map).</summary>
    public Tensor SeedState(Tensor genome)
    {
        var cell = seed is null ? genome : seed.forward(genome);
        return cell.view(genome.shape[0], channels, 1, 1);
    }

    /// <summary>The update f(x) (B, C, G, G) of every cell of a state (B, C, G, G), without noise.</summary>
    public Tensor Update(Tensor state)
    {
        var h = perceive.forward(state);                       // (B, H, G, G)
        for (int i = 0; i < blocks.Count; i += 2)
        {
            var inner = Elu(blocks[i].forward(h));
            h = h.Plus(blocks[i + 1].forward(inner));           // residual block
        }
        return output.forward(h);                              // (B, C, G, G)
    }

    /// <summary>ELU with alpha 1 (Clevert et al. 2016): x for x > 0, exp(x) - 1 otherwise, as relu(x) + expm1(-relu(-x)).</summary>
    public static Tensor Elu(Tensor x) => functional.relu(x).Plus(functional.relu(x.neg()).neg().expm1());

    /// <summary>
    /// The phenotype logits (B, P, H, W) of a state on any grid: the first P channels, copied up to the final grid as
    /// cell division would (nearest neighbour) when the grid is still smaller, and cut to the centre H x W cells.
    /// </summary>
    public Tensor Readout(Tensor state)
    {
        var logits = state.narrow(1, 0, readout);
        long g = logits.shape[2];
        if (g < GridSize) logits = logits.repeat_interleave(GridSize / g, 2).repeat_interleave(GridSize / g, 3);
        var (_, height, width) = PhenotypeShape;
        int top = (GridSize - height) / 2, left = (GridSize - width) / 2;
        return logits.narrow(2, top, height).narrow(3, left, width);
    }

    /// <inheritdoc />
    protected override Tensor Grow(Tensor genome, int steps, Generator generator, ISet<int> capture, Action<Tensor> record)
    {
        var state = SeedState(genome);
        if (capture.Contains(0)) record(Readout(state));
        int divisions = 0;
        for (int t = 1; t <= steps; t++)
        {
            int stage = StageOf(t, steps, Doublings);
            var previous = state;
            using (var scope = torch.NewDisposeScope())
            {
                var next = state;
                while (divisions <= stage) { next = Divide(next); divisions++; }
                var dx = Update(next);
                if (NoiseLevel > 0) dx = dx.Plus(torch.randn(dx.shape, generator: generator, device: dx.device).Mul_(NoiseLevel));
                state = next.Plus(dx).MoveToOuterDisposeScope();      // x + f(x): residual update of every cell
            }
            if (!ReferenceEquals(previous, genome)) previous.Dispose();
            if (capture.Contains(t)) record(Readout(state));
        }
        while (divisions < Doublings) { state = Divide(state); divisions++; }  // fewer steps than stages: divide to the end
        return Readout(state);
    }
}
