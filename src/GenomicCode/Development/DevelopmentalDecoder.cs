using GenomicCode.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Development;

/// <summary>
/// A decoder that grows the phenotype by a developmental process of several steps on a grid (or in a state space),
/// optionally recording the phenotype at chosen steps. Subclasses implement <see cref="Grow"/> on whole batches; none
/// loops over organisms or cells in C#.
/// </summary>
public abstract class DevelopmentalDecoder : GenomeDecoder
{
    /// <summary>Seed of the generator used when a caller passes none (deterministic evaluation).</summary>
    public const long DefaultSeed = 0x6E0D;

    private readonly int genomeSize;
    private readonly (int Channels, int Height, int Width) phenotype;

    /// <summary>Checks the options and the grid, and records the shapes.</summary>
    protected DevelopmentalDecoder(string name, int genomeSize, (int Channels, int Height, int Width) phenotypeShape, DevelopmentOptions options)
        : base(name)
    {
        options.Validate();
        if (genomeSize < 1) throw new UserInputException($"{name} needs a genome of width >= 1, got {genomeSize}.");
        if (phenotypeShape.Channels < 1 || phenotypeShape.Height < 1 || phenotypeShape.Width < 1)
            throw new UserInputException($"{name} needs a positive phenotype shape, got {phenotypeShape}.");
        this.genomeSize = genomeSize;
        phenotype = phenotypeShape;
        Options = options;
        GridSize = options.Grid == 0 ? Math.Max(phenotypeShape.Height, phenotypeShape.Width) : options.Grid;
        if (GridSize < 3)
            throw new UserInputException($"{name}: the developmental grid {GridSize}x{GridSize} is smaller than the 3x3 perception kernel; use a phenotype or Grid of at least 3.");
    }

    /// <summary>The developmental options.</summary>
    public DevelopmentOptions Options { get; }

    /// <summary>Side of the square developmental grid.</summary>
    public int GridSize { get; }

    /// <inheritdoc />
    public override int GenomeSize => genomeSize;

    /// <inheritdoc />
    public override (int Channels, int Height, int Width) PhenotypeShape => phenotype;

    /// <summary>Develops with the default generator (deterministic); phenotype logits (B, C, H, W).</summary>
    public override Tensor forward(Tensor genome) => Develop(genome, null).Phenotype;

    /// <inheritdoc />
    public override Tensor Decode(Tensor genome, Generator? generator) => Develop(genome, generator).Phenotype;

    /// <summary>
    /// Grows phenotypes from a genome batch (B, <see cref="GenomeSize"/>). Randomness (update masks, noise, the sampled
    /// step count) comes from <paramref name="generator"/>; null uses a fresh generator seeded with
    /// <see cref="DefaultSeed"/>. <paramref name="capture"/> lists steps (0..steps) whose phenotype is recorded;
    /// <paramref name="steps"/> overrides the option's count.
    /// </summary>
    public DevelopmentResult Develop(Tensor genome, Generator? generator, IReadOnlyCollection<int>? capture = null, int? steps = null)
    {
        CheckGenome(genome);
        if (steps is <= 0) throw new UserInputException($"{GetName()}: steps must be >= 1, got {steps}.");
        Generator? owned = generator is null ? new Generator((ulong)DefaultSeed, genome.device) : null;
        try
        {
            var g = generator ?? owned!;
            int n = steps ?? ChooseSteps(g);
            var wanted = new SortedSet<int>(capture ?? Array.Empty<int>());
            foreach (int s in wanted)
                if (s < 0 || s > n) throw new UserInputException($"{GetName()}: capture step {s} is outside 0..{n}.");
            var trajectory = new List<Tensor>(wanted.Count);
            var grown = Grow(genome, n, g, wanted, state => trajectory.Add(ToPhenotype(state)));
            return new DevelopmentResult(ToPhenotype(grown), n, wanted.ToArray(), trajectory);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    /// <summary>
    /// Runs <paramref name="steps"/> developmental steps and returns the final readout logits (B, C, G, G) on the grid (or
    /// at phenotype size). Calls <paramref name="record"/> with the readout of each step in <paramref name="capture"/>
    /// (0 = before the first step), in ascending order.
    /// </summary>
    protected abstract Tensor Grow(Tensor genome, int steps, Generator generator, ISet<int> capture, Action<Tensor> record);

    /// <summary>The step count for one call: fixed, or uniform in [Steps, MaxSteps] while training.</summary>
    protected internal int ChooseSteps(Generator generator)
    {
        if (Options.MaxSteps <= Options.Steps || !training) return Options.Steps;
        using var pick = torch.randint(Options.Steps, Options.MaxSteps + 1, new long[] { 1 }, device: generator.device, generator: generator); // where the generator lives
        return (int)pick.item<long>();
    }

    /// <summary>Bilinear upsampling of grid logits (B, C, G, G) to the phenotype size; identity when they match.</summary>
    public Tensor ToPhenotype(Tensor gridLogits)
    {
        if (gridLogits.shape[2] == phenotype.Height && gridLogits.shape[3] == phenotype.Width) return gridLogits;
        return nn.functional.interpolate(gridLogits, new long[] { phenotype.Height, phenotype.Width },
            mode: InterpolationMode.Bilinear, align_corners: false);
    }

    /// <summary>
    /// A (1, 1, G, G) tensor that is 1 at the centre cell (the seed / zygote) and 0 elsewhere; all ones when
    /// <see cref="DevelopmentOptions.Start"/> is <c>full</c>.
    /// </summary>
    protected internal Tensor CentreCell(Device device)
    {
        if (Options.Start == "full") return torch.ones(new long[] { 1, 1, GridSize, GridSize }, device: device);
        var mask = torch.zeros(new long[] { 1, 1, GridSize, GridSize }, device: device);
        mask[0L, 0L, GridSize / 2, GridSize / 2] = torch.tensor(1f, device: device);
        return mask;
    }
}
