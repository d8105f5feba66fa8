using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Runs;

/// <summary>A trained Growing NCA loaded from its run folder (config.json of a Growing NCA preset and its checkpoint), with its target.</summary>
public sealed class GrowingNcaRun : IDisposable
{
    private GrowingNcaRun(RunFolder run, Preset preset, GrowingNca model, Tensor target, long step, Device device)
    {
        Run = run;
        Preset = preset;
        Model = model;
        Target = target;
        Step = step;
        Device = device;
    }

    /// <summary>The run folder.</summary>
    public RunFolder Run { get; }

    /// <summary>The config the run was trained with.</summary>
    public Preset Preset { get; }

    /// <summary>Its Growing NCA settings.</summary>
    public GrowingNcaTrainingOptions Options => Preset.GrowingNca!;

    /// <summary>The trained automaton, in evaluation mode.</summary>
    public GrowingNca Model { get; }

    /// <summary>The target (1, 4, G, G), premultiplied RGBA.</summary>
    public Tensor Target { get; }

    /// <summary>Training steps of the checkpoint.</summary>
    public long Step { get; }

    /// <summary>Where the automaton runs.</summary>
    public Device Device { get; }

    /// <summary>
    /// Opens a Growing NCA run folder: a folder without a config or checkpoint, a genome VAE run, a damaged checkpoint or
    /// a missing emoji data set is one line naming the fix.
    /// </summary>
    public static GrowingNcaRun Load(string path, string? device, DataCache? cache = null)
    {
        var run = RunFolder.OpenExisting(path);
        if (!File.Exists(run.File(RunFolder.ConfigFile)))
            throw new UserInputException($"run folder '{path}' has no {RunFolder.ConfigFile}; train it with `genomic-code train --preset emoji-growing-nca --out {path}`.");
        var preset = run.ReadConfig();
        if (!preset.IsGrowingNca)
            throw new UserInputException($"run folder '{path}' holds a genome VAE run (preset {preset.Name}), not a Growing NCA; regenerate needs a run trained with `genomic-code train --preset emoji-growing-nca`.");
        string checkpoint = run.File(RunFolder.CheckpointFile);
        if (!File.Exists(checkpoint))
            throw new UserInputException($"run folder '{path}' has no {RunFolder.CheckpointFile}; train it first (genomic-code train --preset {preset.Name} --out {path} --force).");
        var dev = Devices.Parse(device ?? preset.Training.Device);
        var target = LoadTarget(preset.GrowingNca!, cache, dev);
        var model = new GrowingNca(preset.GrowingNca!.Automaton, preset.Training.Seed, dev);
        try
        {
            var (step, _) = GrowingNcaCheckpoint.Load(checkpoint, model);
            model.eval();
            return new GrowingNcaRun(run, preset, model, target, step, dev);
        }
        catch
        {
            model.Dispose();
            target.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The target of <paramref name="options"/> as (1, 4, G, G) on <paramref name="device"/>: its image file when it names
    /// one, else its emoji from the data set <c>emoji</c> (a missing set is one line naming <c>genomic-code data get
    /// emoji</c>), premultiplied, shrunk and padded (<see cref="EmojiTarget.FromImage"/>).
    /// </summary>
    public static Tensor LoadTarget(GrowingNcaTrainingOptions options, DataCache? cache, Device device)
    {
        if (options.Image is null) return EmojiTarget.Load(cache, options.Emoji, options.TargetSize, options.TargetPadding).ToTensor(device);
        if (!File.Exists(options.Image)) throw new UserInputException($"growingNca.image '{options.Image}' does not exist; give a square PNG file, or leave image out to grow the emoji.");
        return EmojiTarget.FromImage(Png.Read(options.Image), options.TargetSize, options.TargetPadding).ToTensor(device);
    }

    /// <summary>
    /// Trains a Growing NCA preset into a run folder (<paramref name="outDir"/>): checks the preset, the target data set
    /// and the folder (another run is refused unless <paramref name="force"/>) before writing anything, then writes
    /// config.json, environment.json, one metrics.jsonl line every LogEvery steps (step, loss, rollout steps, learning
    /// rate, seconds), checkpoint.bin every CheckpointEvery steps and at the end (also when cancelled, after the current
    /// step). <paramref name="onStep"/> sees every step. Returns the trainer's last step record (null when no step ran).
    /// </summary>
    public static GrowingNcaStep? Train(Preset preset, string outDir, bool force, DataCache? cache = null,
        Action<GrowingNcaStep>? onStep = null, CancellationToken cancellationToken = default)
    {
        preset.Validate();
        var options = preset.GrowingNca ?? throw new UserInputException($"preset '{preset.Name}' is not a Growing NCA preset (it has no growingNca member).");
        var device = Devices.Parse(preset.Training.Device);
        using var target = LoadTarget(options, cache, device);
        RunFolder.Check(outDir, resume: false, force);
        using var trainer = new GrowingNcaTrainer(options, preset.Training, target, device);
        long checkpointBytes = 0;
        using (var probe = new MemoryStream())
        using (var w = new BinaryWriter(probe)) { trainer.Model.save(w); checkpointBytes = probe.Length + 64; }
        RunFolder.RequireSpaceForTraining(outDir, checkpointBytes, preset.Training);
        var run = RunFolder.Create(outDir, resume: false, force);
        run.RemoveStaleTemporaryFiles();
        run.WriteJson(RunFolder.ConfigFile, preset);
        run.WriteJson(RunFolder.EnvironmentFile, EnvironmentInfo.Capture(device));
        string checkpoint = run.File(RunFolder.CheckpointFile);
        GrowingNcaStep? last = null;
        using (var metrics = new StreamWriter(run.File(RunFolder.MetricsFile), append: false))
        {
            while (trainer.Step < preset.Training.Steps && !cancellationToken.IsCancellationRequested)
            {
                last = trainer.TrainStep();
                onStep?.Invoke(last);
                if (last.Step % preset.Training.LogEvery == 0 || last.Step == preset.Training.Steps)
                {
                    metrics.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                    {
                        step = last.Step, loss = last.Loss, rollout_steps = last.RolloutSteps, learning_rate = last.LearningRate, seconds = last.Seconds,
                    }));
                    metrics.Flush();
                }
                if (preset.Training.CheckpointEvery > 0 && last.Step % preset.Training.CheckpointEvery == 0) trainer.Save(checkpoint);
            }
        }
        trainer.Save(checkpoint);
        return last;
    }

    /// <summary>
    /// Organism 0 of a batch grown from the seed, as <paramref name="frames"/> frames evenly spaced over
    /// <paramref name="steps"/> steps (both ends included): RGB composited on white, F x G x G x 3 bytes, and the steps.
    /// </summary>
    public (int[] Steps, byte[] Rgb) GrowthStrip(int steps, int frames, long seed)
    {
        if (steps < 1 || frames < 2) throw new UserInputException($"a growth strip needs steps >= 1 and frames >= 2, got {steps} and {frames}.");
        int g = Options.Grid;
        var at = Enumerable.Range(0, frames).Select(i => (int)Math.Round((double)i * steps / (frames - 1))).Distinct().ToArray();
        var bytes = new List<byte>();
        using var generator = Seeds.Generator(Device, seed, 5);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var state = Model.Seed(1, g, g, Device);
        if (at.Contains(0)) bytes.AddRange(Composite(state));
        Model.Develop(state, steps, generator, (t, s) => { if (at.Contains(t)) bytes.AddRange(Composite(s)); });
        return (at, bytes.ToArray());
    }

    /// <summary>
    /// Organism 0 of a state (B, C, G, G) or an RGBA tensor (B, 4, G, G) as G x G x 3 bytes: RGB composited on white,
    /// 1 - alpha + rgb (premultiplied colours; the notebook's <c>to_rgb</c>), clipped to [0, 1].
    /// </summary>
    public static byte[] Composite(Tensor state)
    {
        using var scope = torch.NewDisposeScope();
        var x = state.narrow(0, 0, 1).narrow(1, 0, GrowingNca.Visible).to(CPU).to_type(ScalarType.Float32);
        long plane = x.shape[2] * x.shape[3];
        var v = x.data<float>().ToArray();                                          // (1, 4, G, G)
        var bytes = new byte[plane * 3];
        for (long i = 0; i < plane; i++)
        {
            float a = Math.Clamp(v[3 * plane + i], 0f, 1f);
            for (int c = 0; c < 3; c++)
                bytes[i * 3 + c] = (byte)Math.Round(255 * Math.Clamp(1f - a + v[c * plane + i], 0f, 1f));
        }
        return bytes;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Model.Dispose();
        Target.Dispose();
    }
}
