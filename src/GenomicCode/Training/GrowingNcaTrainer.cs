using System.Text;
using GenomicCode.Core;
using GenomicCode.Development;
using GenomicCode.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Training;

/// <summary>
/// What a Growing NCA preset trains (its <c>growingNca</c> member): the target, the automaton and the sample pool with
/// damage. Defaults are Mordvintsev et al. 2020's "Learning to regenerate" experiment (its notebook: TARGET_SIZE 40,
/// TARGET_PADDING 16, POOL_SIZE 1024, 64-96 steps per rollout, DAMAGE_N 3, Adam 2e-3 decayed tenfold after 2000 steps);
/// batch size (8), learning rate, steps and seed come from the preset's <c>training</c> member.
/// </summary>
public sealed record GrowingNcaTrainingOptions
{
    /// <summary>Emoji of the data set <c>emoji</c> to grow (code point file name). Default <c>1f98e</c>, the lizard.</summary>
    public string Emoji { get; init; } = "1f98e";

    /// <summary>
    /// A square PNG file to grow instead of <see cref="Emoji"/> (prepared the same way: premultiplied, shrunk, padded);
    /// null grows the emoji. Default null.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Image { get; init; }

    /// <summary>Side the target is shrunk to (4..128). Default 40.</summary>
    public int TargetSize { get; init; } = 40;

    /// <summary>Transparent border on every side of the target (0..64); the grid is TargetSize + 2 TargetPadding. Default 16.</summary>
    public int TargetPadding { get; init; } = 16;

    /// <summary>The automaton.</summary>
    public GrowingNcaOptions Automaton { get; init; } = new();

    /// <summary>States kept in the sample pool (>= the batch size, at most 65536). Default 1024.</summary>
    public int PoolSize { get; init; } = 1024;

    /// <summary>Fewest developmental steps of a training rollout (1..10000). Default 64.</summary>
    public int MinSteps { get; init; } = 64;

    /// <summary>Most developmental steps of a training rollout (MinSteps..10000); each rollout draws its length uniformly in between, both ends included. Default 96.</summary>
    public int MaxSteps { get; init; } = 96;

    /// <summary>Samples of each batch damaged by a disc cut out (the lowest-loss ones; 0..batch size - 1; 0 = no damage training). Default 3.</summary>
    public int Damaged { get; init; } = 3;

    /// <summary>Training step from which the learning rate is multiplied by <see cref="Decay"/> (0 = never). Default 2000.</summary>
    public long DecayStep { get; init; } = 2000;

    /// <summary>Factor of the learning-rate decay, in (0, 1]. Default 0.1.</summary>
    public double Decay { get; init; } = 0.1;

    /// <summary>Side of the square grid: TargetSize + 2 TargetPadding.</summary>
    public int Grid => TargetSize + 2 * TargetPadding;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field and its allowed range.</summary>
    public GrowingNcaTrainingOptions Validate(int batchSize)
    {
        Guard.NotEmpty(Emoji);
        if (TargetSize < 4 || TargetSize > 128) throw new UserInputException($"growingNca.targetSize must be in [4, 128], got {TargetSize}.");
        if (TargetPadding < 0 || TargetPadding > 64) throw new UserInputException($"growingNca.targetPadding must be in [0, 64], got {TargetPadding}.");
        (Automaton ?? throw new UserInputException("growingNca.automaton must not be null; leave it out for the defaults.")).Validate();
        if (PoolSize < batchSize || PoolSize > 65536) throw new UserInputException($"growingNca.poolSize must be in [batch size {batchSize}, 65536], got {PoolSize}.");
        if (MinSteps < 1 || MinSteps > 10000) throw new UserInputException($"growingNca.minSteps must be in [1, 10000], got {MinSteps}.");
        if (MaxSteps < MinSteps || MaxSteps > 10000) throw new UserInputException($"growingNca.maxSteps must be in [minSteps {MinSteps}, 10000], got {MaxSteps}.");
        if (Damaged < 0 || Damaged >= batchSize) throw new UserInputException($"growingNca.damaged must be in [0, batch size - 1 = {batchSize - 1}] (one sample is always the seed), got {Damaged}.");
        if (DecayStep < 0) throw new UserInputException($"growingNca.decayStep must be >= 0, got {DecayStep}.");
        if (!(Decay > 0 && Decay <= 1)) throw new UserInputException($"growingNca.decay must be in (0, 1], got {Decay}.");
        return this;
    }
}

/// <summary>One training step of <see cref="GrowingNcaTrainer"/>.</summary>
/// <param name="Step">Steps completed after this one.</param>
/// <param name="Loss">Mean loss of the batch after its rollout (RGBA L2, <see cref="GrowingNca.Loss"/>).</param>
/// <param name="RolloutSteps">Developmental steps of the rollout.</param>
/// <param name="LearningRate">Learning rate of the Adam step.</param>
/// <param name="Seconds">Wall time of the step.</param>
public sealed record GrowingNcaStep(long Step, double Loss, int RolloutSteps, double LearningRate, double Seconds);

/// <summary>
/// Trains a <see cref="GrowingNca"/> on one target with the sample pool and damage (Mordvintsev et al. 2020, "Experiment
/// 2: What persists, exists" and "Experiment 3: Learning to regenerate"). A pool of states starts as copies of the seed.
/// Each step samples a batch without replacement, sorts it by loss (highest first), puts the seed in place of the
/// highest-loss sample, cuts a random disc out of the <see cref="GrowingNcaTrainingOptions.Damaged"/> lowest-loss
/// samples (<see cref="DiscMask"/>), develops the batch for a random number of steps, takes the mean RGBA L2 loss,
/// normalises each parameter's gradient to unit norm (<see cref="GradientNormalization"/>), makes an Adam step, and
/// writes the developed states back into the pool in place of the sampled ones. Draws (pool indices, rollout length,
/// discs, fire masks) derive from the run seed and the step, so a run is reproducible.
/// </summary>
public sealed class GrowingNcaTrainer : IDisposable
{
    private readonly HeldScalarOptimizers.Adam optimizer;
    private readonly Tensor target;  // (1, 4, G, G)
    private Tensor pool;             // (P, C, G, G)

    /// <summary>Creates the automaton (weights from the run seed) and a pool of seeds on <paramref name="device"/>.</summary>
    /// <param name="options">The Growing NCA settings.</param>
    /// <param name="training">Batch size, learning rate, Adam settings, seed and threads.</param>
    /// <param name="target">The target (1, 4, G, G), premultiplied RGBA, G = <see cref="GrowingNcaTrainingOptions.Grid"/>.</param>
    /// <param name="device">Where to train.</param>
    public GrowingNcaTrainer(GrowingNcaTrainingOptions options, TrainingOptions training, Tensor target, Device device)
    {
        Options = options.Validate(training.BatchSize);
        Training = training.Validate();
        if (target.shape.Length != 4 || target.shape[0] != 1 || target.shape[1] != GrowingNca.Visible || target.shape[2] != options.Grid || target.shape[3] != options.Grid)
            throw new UserInputException($"the Growing NCA target must be (1, 4, {options.Grid}, {options.Grid}), got ({string.Join(", ", target.shape)}).");
        if (training.Threads > 0) torch.set_num_threads(training.Threads);
        Device = device;
        Model = new GrowingNca(options.Automaton, training.Seed, device);
        optimizer = new HeldScalarOptimizers.Adam(Model.parameters().ToList(), training.LearningRate, training.AdamBeta1, training.AdamBeta2, training.AdamEpsilon);
        this.target = target.to(device).detach().DetachFromDisposeScope();
        pool = Model.Seed(options.PoolSize, options.Grid, options.Grid, device).DetachFromDisposeScope();
    }

    /// <summary>The Growing NCA settings.</summary>
    public GrowingNcaTrainingOptions Options { get; }

    /// <summary>Batch size, learning rate, seed.</summary>
    public TrainingOptions Training { get; }

    /// <summary>The device.</summary>
    public Device Device { get; }

    /// <summary>The automaton being trained.</summary>
    public GrowingNca Model { get; }

    /// <summary>Training steps completed.</summary>
    public long Step { get; private set; }

    /// <summary>The sample pool (P, C, G, G).</summary>
    public Tensor Pool => pool;

    /// <summary>The learning rate of step <paramref name="step"/> (0-based): the base rate, times Decay from DecayStep on (the notebook's piecewise-constant decay).</summary>
    public double LearningRateAt(long step) =>
        Options.DecayStep > 0 && step >= Options.DecayStep ? Training.LearningRate * Options.Decay : Training.LearningRate;

    /// <summary>One training step (one dispose scope); returns its loss.</summary>
    public GrowingNcaStep TrainStep()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var scope = torch.NewDisposeScope();
        int b = Training.BatchSize, g = Options.Grid;
        var random = Seeds.Random(Training.Seed, 3, Step);
        var indices = SampleWithoutReplacement(random, Options.PoolSize, b);                       // pool rows of the batch
        var picked = torch.tensor(indices, device: Device);
        var batch = pool.index_select(0, picked);                                                  // (B, C, G, G)
        double[] before;
        using (torch.no_grad())
            before = GrowingNca.Loss(batch, target).to(CPU).to_type(ScalarType.Float64).data<double>().ToArray();
        var order = ByLossDescending(before);                                                       // highest loss first
        var ordered = torch.tensor(order.Select(i => indices[i]).ToArray(), device: Device);
        batch = pool.index_select(0, ordered).clone();
        using (torch.no_grad())
        {
            batch.narrow(0, 0, 1).copy_(Model.Seed(1, g, g, Device));                              // the highest-loss sample becomes the seed
            if (Options.Damaged > 0)
            {
                var keep = KeepMasks(random, Options.Damaged, g, g, Device);                    // (K, 1, G, G): 0 inside the disc
                batch.narrow(0, b - Options.Damaged, Options.Damaged).mul_(keep);                  // the lowest-loss samples are damaged
            }
        }
        int steps = random.Next(Options.MinSteps, Options.MaxSteps + 1);
        using var generator = Seeds.Generator(Device, Training.Seed, 4, Step);
        var grown = Model.Develop(batch, steps, generator);
        var loss = GrowingNca.Loss(grown, target).mean();
        optimizer.zero_grad();
        loss.backward();
        GradientNormalization.NormalizePerParameter(Model.parameters());                            // Mordvintsev et al. 2020, "Training"
        double lr = LearningRateAt(Step);
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
        optimizer.step();
        using (torch.no_grad())
            pool.index_copy_(0, ordered, grown.detach());
        Step++;
        return new GrowingNcaStep(Step, loss.item<float>(), steps, lr, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// <paramref name="count"/> distinct indices of [0, <paramref name="size"/>) drawn uniformly (a partial Fisher-Yates
    /// shuffle), in draw order: the notebook's <c>np.random.choice(size, n, False)</c>.
    /// </summary>
    public static long[] SampleWithoutReplacement(Random random, int size, int count)
    {
        if (count < 0 || count > size) throw new ArgumentOutOfRangeException(nameof(count), $"cannot draw {count} of {size} without replacement.");
        var all = Enumerable.Range(0, size).ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, size);
            (all[i], all[j]) = (all[j], all[i]);
        }
        return all.Take(count).Select(i => (long)i).ToArray();
    }

    /// <summary>
    /// Positions of <paramref name="losses"/> from highest to lowest (ties keep their order): the notebook's
    /// <c>loss.argsort()[::-1]</c>, after which position 0 is replaced by the seed and the last ones are damaged.
    /// </summary>
    public static int[] ByLossDescending(IReadOnlyList<double> losses) =>
        Enumerable.Range(0, losses.Count).OrderByDescending(i => losses[i]).ThenBy(i => i).ToArray();

    /// <summary>
    /// The disc of a damage (Mordvintsev et al. 2020, notebook <c>make_circle_masks</c>): on a grid of
    /// <paramref name="height"/> x <paramref name="width"/> cells with coordinates x_j = -1 + 2 j / (width - 1) and
    /// y_i = -1 + 2 i / (height - 1), 1 where ((x - cx) / r)^2 + ((y - cy) / r)^2 &lt; 1, else 0; row-major.
    /// </summary>
    public static float[] DiscMask(int height, int width, double centreX, double centreY, double radius)
    {
        if (height < 2 || width < 2) throw new ArgumentOutOfRangeException(nameof(height), $"a disc mask needs a grid of at least 2x2, got {height}x{width}.");
        if (!(radius > 0)) throw new ArgumentOutOfRangeException(nameof(radius), $"the disc radius must be > 0, got {radius}.");
        var mask = new float[height * width];
        for (int i = 0; i < height; i++)
        {
            double y = (-1.0 + 2.0 * i / (height - 1) - centreY) / radius;
            for (int j = 0; j < width; j++)
            {
                double x = (-1.0 + 2.0 * j / (width - 1) - centreX) / radius;
                mask[i * width + j] = x * x + y * y < 1.0 ? 1f : 0f;
            }
        }
        return mask;
    }

    /// <summary>A random disc as the notebook draws it: centre uniform in [-0.5, 0.5)^2, radius uniform in [0.1, 0.4).</summary>
    public static (double CentreX, double CentreY, double Radius) RandomDisc(Random random)
    {
        double cx = random.NextDouble() - 0.5, cy = random.NextDouble() - 0.5;
        double r = 0.1 + 0.3 * random.NextDouble();
        return (cx, cy, r);
    }

    /// <summary>(K, 1, H, W) float masks on <paramref name="device"/> (default the CPU): 0 inside a random disc each (<see cref="RandomDisc"/>), 1 elsewhere.</summary>
    public static Tensor KeepMasks(Random random, int count, int height, int width, Device? device = null)
    {
        var values = new float[count * height * width];
        for (int k = 0; k < count; k++)
        {
            var (cx, cy, r) = RandomDisc(random);
            var disc = DiscMask(height, width, cx, cy, r);
            for (int i = 0; i < disc.Length; i++) values[k * disc.Length + i] = 1f - disc[i];
        }
        return torch.tensor(values, new long[] { count, 1, height, width }, device: device ?? CPU);
    }

    /// <summary>Writes the automaton's weights to a checkpoint (<see cref="GrowingNcaCheckpoint"/>).</summary>
    public void Save(string path) => GrowingNcaCheckpoint.Save(path, Model, Step, Training.Seed);

    /// <inheritdoc />
    public void Dispose()
    {
        optimizer.Dispose();
        Model.Dispose();
        pool.Dispose();
        target.Dispose();
    }
}

/// <summary>
/// The checkpoint of a Growing NCA run: the magic string <c>GENOMICCODE-GROWING-NCA</c>, a format version (1), the step,
/// the seed, then the weights (TorchSharp's binary format) with their length and XXH3-64 checksum. Written atomically;
/// every reader verifies length and checksum first, so a damaged, truncated or foreign file is one line naming it.
/// </summary>
public static class GrowingNcaCheckpoint
{
    private const string Magic = "GENOMICCODE-GROWING-NCA";
    private const int Version = 1;

    /// <summary>Writes the weights of <paramref name="model"/> after <paramref name="step"/> steps of the run with <paramref name="seed"/>.</summary>
    public static void Save(string path, GrowingNca model, long step, long seed)
    {
        using var weights = new MemoryStream();
        using (var w = new BinaryWriter(weights, Encoding.UTF8, leaveOpen: true)) model.save(w);
        var bytes = weights.ToArray();
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(step);
            writer.Write(seed);
            writer.Write((long)bytes.Length);
            writer.Write(Checksum.Of(bytes));
            writer.Write(bytes);
        });
    }

    /// <summary>Verifies the file, then loads its weights into <paramref name="model"/>; returns (step, seed).</summary>
    public static (long Step, long Seed) Load(string path, GrowingNca model)
    {
        if (!File.Exists(path)) throw new UserInputException($"checkpoint '{path}' does not exist.");
        byte[] all;
        try { all = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read checkpoint '{path}': {e.Message.ReplaceLineEndings(" ")}");
        }
        // BinaryWriter's string: a 7-bit length (one byte here), then the ASCII bytes.
        var magic = new byte[1 + Magic.Length];
        magic[0] = (byte)Magic.Length;
        Encoding.ASCII.GetBytes(Magic, magic.AsSpan(1));
        if (!all.AsSpan().StartsWith(magic))
            throw new UserInputException($"'{path}' is not a Growing NCA checkpoint (it does not start with {Magic}); give the checkpoint of a run trained with a Growing NCA preset (genomic-code train --preset emoji-growing-nca).");
        using var stream = new MemoryStream(all);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        long step, seed, length;
        ulong sum;
        try
        {
            reader.ReadString();
            int version = reader.ReadInt32();
            if (version != Version) throw new UserInputException($"Growing NCA checkpoint '{path}' has format version {version}; this GenomicCode reads version {Version}.");
            step = reader.ReadInt64();
            seed = reader.ReadInt64();
            length = reader.ReadInt64();
            sum = reader.ReadUInt64();
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or DecoderFallbackException)
        {
            throw new UserInputException($"checkpoint '{path}' is truncated or damaged (it ends inside its header); train the run again.");
        }
        if (length < 0 || stream.Position + length != all.Length)
            throw new UserInputException($"checkpoint '{path}' is truncated or damaged ({all.Length} bytes, its header announces {length} bytes of weights); train the run again.");
        if (Checksum.Of(all.AsSpan((int)stream.Position, (int)length)) != sum)
            throw new UserInputException($"checkpoint '{path}' is damaged (its weights fail their checksum); train the run again.");
        try { model.load(reader, strict: true); }
        catch (Exception e) when (e is not OutOfMemoryException and not UserInputException)
        {
            throw new UserInputException($"checkpoint '{path}' does not fit this automaton ({e.Message.ReplaceLineEndings(" ")}); use the run's own config.json.");
        }
        return (step, seed);
    }
}
