using System.Diagnostics;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Models;
using GenomicCode.Numerics;
using GenomicCode.Regularizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenomicCode.Training;

/// <summary>
/// Trains a <see cref="GenomeVae"/> on a ground-truth world with Adam, one dispose scope per step. Every step's batch and
/// genome noise derive from (seed, step), so a resumed run continues exactly as an uninterrupted one would.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly Adam optimizer;
    private readonly Generator noise;
    private readonly List<Parameter> parameters;

    /// <summary>Creates a trainer; the model must already live on <paramref name="device"/>.</summary>
    public Trainer(GenomeVae model, IGroundTruthData data, TrainingOptions options, Device device)
    {
        NativeRuntime.ConfigureMalloc();
        options.Validate();
        var shape = data.ObservationShape;
        if (model.Decoder.PhenotypeShape != shape)
            throw new UserInputException($"the model grows phenotypes of {model.Decoder.PhenotypeShape} but the data are {shape}.");
        Model = model;
        Data = data;
        Options = options;
        Device = device;
        if (options.Threads > 0) torch.set_num_threads(options.Threads);
        parameters = model.parameters().ToList();
        optimizer = new HeldScalarOptimizers.Adam(parameters, options.LearningRate, options.AdamBeta1, options.AdamBeta2, options.AdamEpsilon);
        noise = new Generator((ulong)options.Seed, device);
    }

    /// <summary>The model being trained.</summary>
    public GenomeVae Model { get; }

    /// <summary>The world it learns from.</summary>
    public IGroundTruthData Data { get; }

    /// <summary>The training options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The device tensors live on.</summary>
    public Device Device { get; }

    /// <summary>Steps completed so far.</summary>
    public long Step { get; private set; }

    /// <summary>Callbacks called after each step and checkpoint.</summary>
    public IList<ITrainingCallback> Callbacks { get; } = new List<ITrainingCallback>();

    /// <summary>
    /// Where <see cref="Run"/> writes checkpoints; null writes none. The checkpoint each one replaces is kept beside it
    /// (<see cref="Checkpoint.PreviousPath"/>), so a damaged last checkpoint still leaves one to resume from.
    /// </summary>
    public string? CheckpointPath { get; set; }

    /// <summary>Name of the preset being trained, stored in checkpoints so a mismatch can name it; null stores none.</summary>
    public string? PresetName { get; set; }

    /// <summary>Bytes of one checkpoint of this model and optimiser (exact; see <see cref="Checkpoint.Measure"/>).</summary>
    public long CheckpointBytes() => Checkpoint.Measure(Model, optimizer, PresetName);

    /// <summary>The batch of factor indices used at a given step (deterministic in seed and step).</summary>
    public int[,] BatchFactors(long step) => Data.SampleFactors(Options.BatchSize, (long)Seeds.Derive(Options.Seed, 1, step));

    /// <summary>
    /// One optimisation step inside its own dispose scope. Throws <see cref="NonFiniteLossException"/> before updating
    /// the weights if the loss or the gradient norm is NaN or infinite.
    /// </summary>
    public StepMetrics TrainStep()
    {
        var watch = Stopwatch.StartNew();
        long next = Step + 1;
        using var scope = torch.NewDisposeScope();
        Model.train();
        var images = Data.Render(BatchFactors(next), Device);
        noise.manual_seed(Seeds.DeriveNonNegative(Options.Seed, 2, next));
        optimizer.zero_grad();
        var output = Model.Forward(images, noise, next);
        double loss = output.Loss.item<float>();
        if (!double.IsFinite(loss)) throw new NonFiniteLossException(next, "the loss");
        output.Loss.backward();
        double gradNorm = torch.nn.utils.clip_grad_norm_(parameters, Options.GradClipNorm > 0 ? Options.GradClipNorm : double.MaxValue);
        if (!double.IsFinite(gradNorm)) throw new NonFiniteLossException(next, "the gradient norm");
        if (Options.NormalizeGradients) GradientNormalization.NormalizePerParameter(parameters);
        optimizer.step();
        Step = next;
        var terms = output.RegularizerTerms.ToDictionary(kv => kv.Key, kv => (double)kv.Value.item<float>());
        terms[TcEstimateKey] = EstimateTotalCorrelation(output, TotalCorrelation.MinibatchWeighted);
        terms[TcEstimateStratifiedKey] = EstimateTotalCorrelation(output, TotalCorrelation.MinibatchStratified);
        if (Model.Regularizer is IAdversarialRegularizer adversarial)
        {
            // FactorVAE's discriminator learns from this batch's genomes and those of a second, independent batch.
            var second = Data.Render(Data.SampleFactors(Options.BatchSize, (long)Seeds.Derive(Options.Seed, 3, next)), Device);
            foreach (var (k, v) in adversarial.Update(output.GenomeSample.detach(), Model.SampleGenomes(second, noise), next)) terms[k] = v;
        }
        var metrics = new StepMetrics(next, loss, output.Reconstruction.item<float>(), output.Kl.item<float>(),
            output.KlPerDimension.to(torch.CPU).data<float>().Select(v => (double)v).ToArray(), terms, gradNorm,
            watch.Elapsed.TotalSeconds);
        return metrics;
    }

    /// <summary>Key of the logged total-correlation estimate (minibatch-weighted, Chen et al. 2018), written for every regulariser.</summary>
    public const string TcEstimateKey = "tc_estimate";

    /// <summary>
    /// Key of the logged minibatch-stratified total-correlation estimate (Chen et al. 2018, appendix C.2), written for
    /// every regulariser; it lacks the minibatch-weighted estimate's large constant offset.
    /// </summary>
    public const string TcEstimateStratifiedKey = "tc_estimate_stratified";

    private double EstimateTotalCorrelation(Models.GenomeVaeOutput output, string estimator)
    {
        using var _ = torch.no_grad();
        long n = Math.Max(Data.Count, output.GenomeSample.shape[0]);
        return TotalCorrelation.Decompose(output.GenomeSample, output.Mean, output.LogVar, n, estimator).TotalCorrelation.item<float>();
    }

    /// <summary>
    /// Trains until <see cref="TrainingOptions.Steps"/> steps are done (or <paramref name="cancel"/> fires), calling
    /// the callbacks after each step and writing checkpoints every <see cref="TrainingOptions.CheckpointEvery"/> steps and
    /// at the end.
    /// </summary>
    public void Run(CancellationToken cancel = default)
    {
        while (Step < Options.Steps && !cancel.IsCancellationRequested)
        {
            var m = TrainStep();
            foreach (var c in Callbacks) c.OnStep(this, m);
            if (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0 && Step < Options.Steps) SaveCheckpoint();
        }
        SaveCheckpoint();
    }

    /// <summary>Writes a checkpoint to <see cref="CheckpointPath"/> (if set) and tells the callbacks.</summary>
    public void SaveCheckpoint()
    {
        if (CheckpointPath is null) return;
        Checkpoint.Save(CheckpointPath, Model, optimizer, Step, Options.Seed, PresetName, keepPrevious: true);
        foreach (var c in Callbacks) c.OnCheckpoint(this, CheckpointPath);
    }

    /// <summary>Writes model and optimiser state, step and seed to <paramref name="path"/> (atomically).</summary>
    public void SaveCheckpoint(string path) => Checkpoint.Save(path, Model, optimizer, Step, Options.Seed, PresetName);

    /// <summary>
    /// Restores model and optimiser state and the step count from a checkpoint. The file is verified and checked against
    /// this model, seed and step budget (a checkpoint past <see cref="TrainingOptions.Steps"/> is refused) before
    /// anything is loaded.
    /// </summary>
    public void LoadCheckpoint(string path)
    {
        var header = Checkpoint.ReadHeader(path);
        Checkpoint.CheckFits(path, header, Model.Options);
        if (header.Seed != Options.Seed)
            throw new UserInputException($"checkpoint '{path}' was trained with seed {header.Seed}, but this run has seed {Options.Seed}; resume with --seed {header.Seed}.");
        if (header.Step > Options.Steps)
            throw new UserInputException($"checkpoint '{path}' is at step {header.Step}, past the {Options.Steps} steps asked for; give --steps {header.Step} or more to continue it.");
        Checkpoint.Load(path, Model, optimizer);
        Step = header.Step;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        optimizer.Dispose();
        noise.Dispose();
    }
}
