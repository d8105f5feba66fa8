using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Latent;
using GenomicCode.Models;
using GenomicCode.Numerics;
using GenomicCode.Runs;
using GenomicCode.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Experiments;

/// <summary>
/// Settings of <see cref="RateDistortionExperiment"/>. Defaults are ours, sized for a few minutes on 2 CPU cores: the
/// notebook DNA preset at three genome lengths, 400 steps each.
/// </summary>
public sealed record RateDistortionOptions : IComponentOptions
{
    /// <summary>
    /// The preset every point of the series starts from: a shipped name or a preset .json file. Its latent decides the
    /// series: a Gaussian genome trains once per <see cref="Betas"/> value, a nucleotide genome once per
    /// <see cref="Lengths"/> value. Default <c>notebook-dna</c>.
    /// </summary>
    public string Preset { get; init; } = "notebook-dna";

    /// <summary>Gaussian genomes: the regulariser weights beta of the series (each finite, >= 0). Default 0.25, 1, 4, 16.</summary>
    public double[] Betas { get; init; } = [0.25, 1, 4, 16];

    /// <summary>
    /// Nucleotide genomes: the genome lengths L of the series (loci). With a GRN decoder that reads DNA, a length sets the
    /// cis-regulatory region of every gene: L = G (m + c) + S m must hold for a whole c >= m. Default 110, 150, 230
    /// (notebook-dna's layout with cis regions of 5, 10 and 20 bases).
    /// </summary>
    public int[] Lengths { get; init; } = [110, 150, 230];

    /// <summary>Training steps of every point (1..10000000); overrides the preset's. Default 400.</summary>
    public int Steps { get; init; } = 400;

    /// <summary>Images the rate and the distortion are measured on, the same for every point (1..100000). Default 512.</summary>
    public int EvalImages { get; init; } = 512;

    /// <summary>libtorch threads of every training (0 keeps the preset's setting). Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Device: cpu, cuda, cuda:N or auto. Default cpu.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field and its allowed range.</summary>
    public void Validate()
    {
        Guard.NotEmpty(Preset);
        if (Betas is null || Betas.Length == 0) throw new UserInputException("Betas must hold at least one value, for example 0.25,1,4,16.");
        foreach (double b in Betas)
            if (!(b >= 0) || double.IsInfinity(b)) throw new UserInputException($"Betas must be finite numbers >= 0, got {b.ToString(CultureInfo.InvariantCulture)}.");
        if (Lengths is null || Lengths.Length == 0) throw new UserInputException("Lengths must hold at least one genome length, for example 110,150,230.");
        foreach (int l in Lengths)
            if (l < 1 || l > 1024) throw new UserInputException($"Lengths must be genome lengths in [1, 1024] loci, got {l}.");
        if (Steps < 1 || Steps > 10_000_000) throw new UserInputException($"Steps must be in [1, 10000000], got {Steps}.");
        if (EvalImages < 1 || EvalImages > 100_000) throw new UserInputException($"EvalImages must be in [1, 100000], got {EvalImages}.");
        Guard.InRange(Threads, 0, 1024);
        Guard.NotEmpty(Device);
    }
}

/// <summary>One trained point of the rate-distortion series.</summary>
/// <param name="Beta">The regulariser weight it trained with.</param>
/// <param name="GenomeSize">Genome size: dimensions of a Gaussian genome, loci of a nucleotide one.</param>
/// <param name="RateNats">Rate: KL(q(g | x) || p(g)) summed over the genome, mean over the evaluation images, in nats.</param>
/// <param name="RateBits">The rate in bits, <see cref="RateDistortionExperiment.Bits"/> of <paramref name="RateNats"/>.</param>
/// <param name="CapacityBits">The most a genome can hold: 2 bits per base (log2 4) for DNA; null for a Gaussian genome (unbounded).</param>
/// <param name="DistortionNats">Distortion: Bernoulli negative log-likelihood of an image under the phenotype grown from a genome sampled from q(g | x), mean over the evaluation images, in nats.</param>
/// <param name="Mse">Mean squared error per pixel of the phenotype grown from the posterior's deterministic genome (mean or most probable).</param>
/// <param name="Seconds">Wall time of its training.</param>
public sealed record RateDistortionPoint(
    [property: JsonPropertyName("beta")] double Beta,
    [property: JsonPropertyName("genome_size")] int GenomeSize,
    [property: JsonPropertyName("rate_nats")] double RateNats,
    [property: JsonPropertyName("rate_bits")] double RateBits,
    [property: JsonPropertyName("capacity_bits")] double? CapacityBits,
    [property: JsonPropertyName("distortion_nats")] double DistortionNats,
    [property: JsonPropertyName("mse")] double Mse,
    [property: JsonPropertyName("seconds")] double Seconds);

/// <summary>What <see cref="RateDistortionExperiment"/> measured, as written to rate_distortion.json.</summary>
/// <param name="Options">Settings used.</param>
/// <param name="Seed">Seed of every training (the same for all points) and of the evaluation images and samples.</param>
/// <param name="Preset">The preset's name.</param>
/// <param name="GenomeKind"><c>gaussian</c> (the series varies beta) or <c>nucleotide</c> (it varies the genome length).</param>
/// <param name="Varied">What the series varies: <c>beta</c> or <c>genome_length</c>.</param>
/// <param name="Points">The trained points, in the order of the series.</param>
/// <param name="SecondsTotal">Wall time of the whole series.</param>
public sealed record RateDistortionResult(
    [property: JsonPropertyName("options")] RateDistortionOptions Options,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("preset")] string Preset,
    [property: JsonPropertyName("genome_kind")] string GenomeKind,
    [property: JsonPropertyName("varied")] string Varied,
    [property: JsonPropertyName("points")] IReadOnlyList<RateDistortionPoint> Points,
    [property: JsonPropertyName("seconds_total")] double SecondsTotal) : IExperimentResult;

/// <summary>
/// The rate-distortion curve of the genomic code: how much information the genome carries about the organism against how
/// well development regrows it. A series of genome VAEs trains from one preset (beta varied for a Gaussian genome, the
/// genome length for DNA); for each, the rate R = E_x KL(q(g | x) || p(g)) (the information the encoder puts into the
/// genome, in bits) and the distortion D = E_x E_q(g|x) [-log p(x | g)] are measured on the same held-out images, the two
/// terms of the negative ELBO (Alemi et al. 2018, "Fixing a broken ELBO", sec. 2: the ELBO is -(D + R), and beta trades
/// one for the other). Mitchell and Cheney's genome is a compressed generative model; the curve says how much.
/// </summary>
public static class RateDistortionExperiment
{
    /// <summary>The catalogue entry <c>rate-distortion</c>.</summary>
    public static ExperimentEntry Entry { get; } = new ExperimentEntry<RateDistortionOptions, RateDistortionResult>("rate-distortion",
        "Trains a series of genome VAEs (beta for Gaussian genomes, genome length for DNA); genome information in bits against reconstruction error.",
        "Alemi et al. 2018, Fixing a broken ELBO (ICML), sec. 2; Mitchell and Cheney 2024 (the genome as a compressed generative model)",
        "rate_distortion.json", Run);

    /// <summary>
    /// Nats to bits: x / ln 2 (information in base-2 units; a base of DNA under a uniform prior holds at most ln 4 nats =
    /// 2 bits).
    /// </summary>
    public static double Bits(double nats) => nats / Math.Log(2);

    /// <summary>
    /// The model options of a nucleotide genome of <paramref name="length"/> loci: the latent size, and for a GRN decoder
    /// that reads DNA the cis-region length c with G (m + c) + S m = length (a one-line error when no whole c >= m fits).
    /// </summary>
    public static ModelOptions WithGenomeLength(ModelOptions model, int length)
    {
        if (model.Decoder.Options is GrnOptions { Sequence: { } sequence } grn)
        {
            var shape = sequence.Layout(grn.Channels, grn.Morphogens);
            int genes = shape.Genes, m = shape.MotifLength, fixedPart = genes * m + shape.Signals * m;
            int cis = (length - fixedPart) / genes;
            if ((length - fixedPart) % genes != 0 || cis < m)
            {
                var fits = Enumerable.Range(0, 4).Select(k => (fixedPart + genes * (m + k)).ToString(CultureInfo.InvariantCulture));
                throw new UserInputException($"genome length {length} does not fit the preset's layout ({genes} genes x ({m} motif + c cis) + {shape.Signals} signal motifs x {m} " +
                                             $"= {genes} c + {fixedPart} loci, c >= {m}); lengths that fit: {string.Join(", ", fits)}, ...");
            }
            var decoder = DecoderCatalog.Spec(model.Decoder.Name, grn with { Sequence = sequence with { CisLength = cis } });
            return model with { LatentSize = length, Decoder = decoder };
        }
        return model with { LatentSize = length };
    }

    /// <summary>Runs the series from <see cref="RateDistortionOptions.Preset"/>.</summary>
    public static RateDistortionResult Run(RateDistortionOptions options, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        var preset = PresetCatalog.Load(options.Preset);
        bool dna = LatentCatalog.Catalogue.Find(preset.Model.Latent.Name).Name == NucleotideLatent.Entry.Name;
        var models = dna
            ? options.Lengths.Select(l => WithGenomeLength(preset.Model, l)).ToArray()                 // checked before any training
            : options.Betas.Select(b => preset.Model.WithBeta(b)).ToArray();
        foreach (var m in models) m.Validate();
        var device = Devices.Parse(options.Device);
        var world = DatasetCatalog.Create(preset.Training.Dataset);
        var training = preset.Training with
        {
            Steps = options.Steps, Seed = seed, CheckpointEvery = 0,
            Threads = options.Threads > 0 ? options.Threads : preset.Training.Threads,
        };
        var counter = new StepCounter(progress, (long)models.Length * options.Steps);
        var total = Stopwatch.StartNew();
        var points = new List<RateDistortionPoint>();
        foreach (var modelOptions in models)
        {
            var watch = Stopwatch.StartNew();
            using var model = GenomeVae.Create(modelOptions, world.ObservationShape, seed, device);
            using (var trainer = new Trainer(model, world, training, device))
                while (trainer.Step < training.Steps)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var step = trainer.TrainStep();
                    counter.Advance(() => string.Create(CultureInfo.InvariantCulture,
                        $"{Describe(dna, modelOptions)}: step {step.Step}/{training.Steps}  reconstruction {step.Reconstruction:F1}  KL {step.Kl:F2} nats"), 10);
                }
            double seconds = watch.Elapsed.TotalSeconds;
            var (rate, distortion, mse) = Measure(model, world, options.EvalImages, seed, options.Steps, device);
            double beta = modelOptions.Regularizer.Options is GenomicCode.Regularizers.IBetaOptions b ? b.Beta : double.NaN;
            points.Add(new RateDistortionPoint(beta, modelOptions.LatentSize, rate, Bits(rate), dna ? 2.0 * modelOptions.LatentSize : null, distortion, mse, seconds));
        }
        return new RateDistortionResult(options, seed, preset.Name, dna ? "nucleotide" : "gaussian", dna ? "genome_length" : "beta", points,
            total.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Rate (mean KL to the prior summed over the genome, nats), distortion (mean Bernoulli NLL of an image under the
    /// phenotype grown from one posterior sample at the temperature of step <paramref name="step"/>, nats) and the mean
    /// squared error per pixel of the deterministic genome's phenotype, over <paramref name="count"/> images drawn with
    /// <paramref name="seed"/> (the same images for every model of a series); batches of 64, one dispose scope each.
    /// </summary>
    public static (double RateNats, double DistortionNats, double Mse) Measure(GenomeVae model, IGroundTruthData data, int count, long seed, long step, Device device)
    {
        model.eval();
        double rate = 0, distortion = 0, squared = 0;
        long pixels = 0;
        using var generator = Seeds.Generator(device, seed, 7);
        using var noGrad = torch.no_grad();
        for (int start = 0; start < count; start += 64)
        {
            int n = Math.Min(64, count - start);
            using var scope = torch.NewDisposeScope();
            var images = data.Render(data.SampleFactors(n, (long)Seeds.Derive(seed, 7, start)), device).to(ScalarType.Float32);
            var sampled = model.Forward(images, generator, step);                                        // batch means
            rate += sampled.Kl.item<float>() * n;
            distortion += sampled.Reconstruction.item<float>() * n;
            var grown = model.Develop(model.Encode(images));
            squared += (grown - images).Square().sum().item<float>();
            pixels += images.numel();
        }
        model.train();
        return (rate / count, distortion / count, squared / pixels);
    }

    private static string Describe(bool dna, ModelOptions model) => dna
        ? $"genome length {model.LatentSize.ToString(CultureInfo.InvariantCulture)}"
        : $"beta {(model.Regularizer.Options is GenomicCode.Regularizers.IBetaOptions b ? b.Beta : double.NaN).ToString("G4", CultureInfo.InvariantCulture)}";
}
