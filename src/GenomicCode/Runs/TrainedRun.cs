using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Interop;
using GenomicCode.Metrics;
using GenomicCode.Models;
using GenomicCode.Training;
using TorchSharp;

namespace GenomicCode.Runs;

/// <summary>A trained model loaded from a run folder, with the data it was trained on.</summary>
public sealed class TrainedRun : IDisposable
{
    private TrainedRun(RunFolder run, Preset preset, Checkpoint.Header header, GenomeVae model, IGroundTruthData data, torch.Device device)
    {
        Run = run;
        Preset = preset;
        Header = header;
        Model = model;
        Data = data;
        Device = device;
    }

    /// <summary>The run folder.</summary>
    public RunFolder Run { get; }

    /// <summary>The config the run was trained with.</summary>
    public Preset Preset { get; }

    /// <summary>The checkpoint header (model options, step, seed).</summary>
    public Checkpoint.Header Header { get; }

    /// <summary>The model, in evaluation mode.</summary>
    public GenomeVae Model { get; }

    /// <summary>The ground-truth data of the run.</summary>
    public IGroundTruthData Data { get; }

    /// <summary>The device the model is on.</summary>
    public torch.Device Device { get; }

    /// <summary>
    /// The header (model options, step, seed) of a run folder: from its checkpoint, or from the weights of a pretrained
    /// model folder (<see cref="PretrainedWeights"/>) that holds no checkpoint; a folder with neither is a one-line error.
    /// </summary>
    public static Checkpoint.Header ReadHeader(string path)
    {
        var run = RunFolder.OpenExisting(path);
        if (File.Exists(run.File(RunFolder.ConfigFile))) RefuseGrowingNca(path, run.ReadConfig());
        string checkpoint = run.File(RunFolder.CheckpointFile);
        if (File.Exists(checkpoint)) return Checkpoint.ReadHeader(checkpoint);
        if (PretrainedWeights.Holds(run.Path)) return PretrainedWeights.ReadHeader(run.File(PretrainedWeights.WeightsFile));
        throw new UserInputException($"run folder '{path}' has no {RunFolder.CheckpointFile} (nor the {PretrainedWeights.WeightsFile} of a pretrained model); train it first (genomic-code train --out {path}).");
    }

    /// <summary>A Growing NCA run (no genome VAE inside) is a one-line error naming the verb that measures it.</summary>
    private static void RefuseGrowingNca(string path, Preset preset)
    {
        if (preset.IsGrowingNca)
            throw new UserInputException($"run folder '{path}' holds a Growing NCA run (preset {preset.Name}), not a genome VAE; measure it with `genomic-code experiment regenerate --run {path}`.");
    }

    /// <summary>
    /// Opens a run folder and loads its checkpoint, or the weights of a pretrained model folder that holds none
    /// (<see cref="PretrainedWeights"/>); a folder with neither is a one-line error. The data set is
    /// the one the run's config trained on (a fetched set comes from <paramref name="dataCache"/>, default
    /// <see cref="DataCache.Resolve(string?)"/>), and the model is built as training built it, from the options stored
    /// in the checkpoint.
    /// </summary>
    public static TrainedRun Load(string path, string? device, DataCache? dataCache = null)
    {
        var run = RunFolder.OpenExisting(path);
        string checkpoint = run.File(RunFolder.CheckpointFile);
        bool pretrained = !File.Exists(checkpoint) && PretrainedWeights.Holds(run.Path);
        var preset = File.Exists(run.File(RunFolder.ConfigFile)) ? run.ReadConfig() : new Preset();
        RefuseGrowingNca(path, preset);
        var header = ReadHeader(path);
        var dev = Devices.Parse(device ?? preset.Training.Device);
        var data = DatasetCatalog.Create(preset.Training.Dataset, dataCache);
        var model = GenomeVae.Create(header.Model, data, header.Seed, dev);
        if (pretrained) SafeTensors.Load(model, run.File(PretrainedWeights.WeightsFile));
        else Checkpoint.Load(checkpoint, model, null);
        model.eval();
        return new TrainedRun(run, preset, header, model, data, dev);
    }

    /// <summary>
    /// The representation to measure: posterior means, or (with <paramref name="sample"/>) one posterior sample per
    /// observation drawn from a generator seeded with <paramref name="seed"/>.
    /// </summary>
    public Representation Representation(bool sample, long seed)
    {
        if (!sample) return x => Model.Encode(x);
        var generator = new torch.Generator((ulong)seed, Device);
        return x =>
        {
            var posterior = Model.Posterior(x);                         // (B, D) mean and log-variance
            return Model.Latent.Sample(posterior, generator, 0);        // (B, D)
        };
    }

    /// <summary>
    /// Mean KL to the prior per latent dimension (D) over <paramref name="points"/> observations sampled with
    /// <paramref name="seed"/>: which latents are active (UDR's selection, Duan et al. 2020).
    /// </summary>
    public double[] MeanKlPerDimension(int points, long seed)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var images = Data.Render(Data.SampleFactors(points, seed), Device);
        var kl = Model.KlPerDimension(images).mean(new long[] { 0 });   // (D)
        return kl.to(torch.ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
