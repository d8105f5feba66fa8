using System.Diagnostics;
using System.Text.Json.Serialization;
using GenomicCode.Core;
using GenomicCode.Core.Catalogues;
using GenomicCode.Development;
using GenomicCode.Runs;
using GenomicCode.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Experiments;

/// <summary>Settings of <see cref="RegenerationExperiment"/> (ours; the damage is the disc of Mordvintsev et al. 2020).</summary>
public sealed record RegenerationOptions : IComponentOptions
{
    /// <summary>Run folder of a trained Growing NCA (<c>genomic-code train --preset emoji-growing-nca</c>). Required.</summary>
    public string? Run { get; init; }

    /// <summary>Device: cpu, cuda, cuda:N or auto; null takes the run's own setting.</summary>
    public string? Device { get; init; }

    /// <summary>Organisms grown, damaged and followed (1..256); as many undamaged controls develop beside them. Default 8.</summary>
    public int Organisms { get; init; } = 8;

    /// <summary>Developmental steps from the seed before the damage (1..10000); 0 takes the run's longest training rollout. Default 0.</summary>
    public int GrowSteps { get; init; }

    /// <summary>Developmental steps after the damage (1..10000); 0 takes the run's longest training rollout. Default 0.</summary>
    public int RecoverySteps { get; init; }

    /// <summary>
    /// Share of the damage's loss increase that must be undone to count as recovered, in (0, 1]: an organism has recovered at
    /// the first step t after the damage with loss(t) &lt;= before + (1 - threshold) (after - before). Default 0.9.
    /// </summary>
    public double Threshold { get; init; } = 0.9;

    /// <summary>Frames in each strip of the figure (2..32). Default 8.</summary>
    public int Frames { get; init; } = 8;

    /// <summary>Throws a one-line <see cref="UserInputException"/> naming the first bad field and its allowed range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Run)) throw new UserInputException("Run is required: a run folder trained with `genomic-code train --preset emoji-growing-nca`.");
        if (Organisms < 1 || Organisms > 256) throw new UserInputException($"Organisms must be in [1, 256], got {Organisms}.");
        if (GrowSteps < 0 || GrowSteps > 10000) throw new UserInputException($"GrowSteps must be in [1, 10000] (0 = the run's longest rollout), got {GrowSteps}.");
        if (RecoverySteps < 0 || RecoverySteps > 10000) throw new UserInputException($"RecoverySteps must be in [1, 10000] (0 = the run's longest rollout), got {RecoverySteps}.");
        if (!(Threshold > 0 && Threshold <= 1)) throw new UserInputException($"Threshold must be in (0, 1], got {Threshold}.");
        if (Frames < 2 || Frames > 32) throw new UserInputException($"Frames must be in [2, 32], got {Frames}.");
    }
}

/// <summary>The disc cut out of one organism, in the grid's [-1, 1] coordinates (<see cref="GrowingNcaTrainer.DiscMask"/>).</summary>
/// <param name="CentreX">Centre, x (columns).</param>
/// <param name="CentreY">Centre, y (rows).</param>
/// <param name="Radius">Radius.</param>
/// <param name="Cells">Cells inside the disc.</param>
public sealed record Disc(
    [property: JsonPropertyName("centre_x")] double CentreX,
    [property: JsonPropertyName("centre_y")] double CentreY,
    [property: JsonPropertyName("radius")] double Radius,
    [property: JsonPropertyName("cells")] int Cells);

/// <summary>What happened to one damaged organism.</summary>
/// <param name="Disc">The damage.</param>
/// <param name="LossBefore">Loss just before the damage.</param>
/// <param name="LossAfter">Loss right after the damage (before any step).</param>
/// <param name="LossFinal">Loss after the recovery steps.</param>
/// <param name="RecoveredFraction">(after - final) / (after - before): share of the damage's loss increase undone (NaN when the damage raised no loss).</param>
/// <param name="StepsToRecover">First step after the damage at which the threshold share was undone; null when never within the recovery steps.</param>
public sealed record OrganismRecovery(
    [property: JsonPropertyName("disc")] Disc Disc,
    [property: JsonPropertyName("loss_before")] double LossBefore,
    [property: JsonPropertyName("loss_after")] double LossAfter,
    [property: JsonPropertyName("loss_final")] double LossFinal,
    [property: JsonPropertyName("recovered_fraction")] double RecoveredFraction,
    [property: JsonPropertyName("steps_to_recover")] int? StepsToRecover);

/// <summary>A strip of frames of one organism: RGB composited on white, bytes frame-major (F x G x G x 3).</summary>
/// <param name="Steps">Developmental step of each frame (counted from the seed).</param>
/// <param name="Size">Side of each frame.</param>
/// <param name="Rgb">F x Size x Size x 3 bytes (JSON: base64).</param>
public sealed record FrameStrip(
    [property: JsonPropertyName("steps")] int[] Steps,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("rgb")] byte[] Rgb);

/// <summary>What <c>RegenerationExperiment.Run</c> measured, as written to regenerate.json.</summary>
/// <param name="Options">Settings used (grow and recovery steps resolved).</param>
/// <param name="Seed">Seed of the development noise (fire masks) and of the discs.</param>
/// <param name="Run">Run folder.</param>
/// <param name="Preset">Preset of the run.</param>
/// <param name="TrainingSteps">Training steps of the run's checkpoint.</param>
/// <param name="Device">Device it ran on.</param>
/// <param name="Grid">Side of the grid.</param>
/// <param name="Time">Developmental step of each loss point; the damage step appears twice (before, then right after).</param>
/// <param name="Loss">Mean loss of the damaged organisms at each point of <paramref name="Time"/>.</param>
/// <param name="ControlLoss">Mean loss of the undamaged controls (grown from the same seed with their own fire masks) at each point.</param>
/// <param name="Organisms">Each damaged organism.</param>
/// <param name="Growth">Strip of organism 1 growing from the seed to the damage.</param>
/// <param name="Regeneration">Strip of organism 1 from right after the damage to the end.</param>
/// <param name="Target">The target composited on white (1 x G x G x 3 bytes).</param>
/// <param name="Seconds">Wall time.</param>
public sealed record RegenerationResult(
    [property: JsonPropertyName("options")] RegenerationOptions Options,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("run")] string Run,
    [property: JsonPropertyName("preset")] string Preset,
    [property: JsonPropertyName("training_steps")] long TrainingSteps,
    [property: JsonPropertyName("device")] string Device,
    [property: JsonPropertyName("grid")] int Grid,
    [property: JsonPropertyName("time")] int[] Time,
    [property: JsonPropertyName("loss")] double[] Loss,
    [property: JsonPropertyName("control_loss")] double[] ControlLoss,
    [property: JsonPropertyName("organisms")] IReadOnlyList<OrganismRecovery> Organisms,
    [property: JsonPropertyName("growth")] FrameStrip Growth,
    [property: JsonPropertyName("regeneration")] FrameStrip Regeneration,
    [property: JsonPropertyName("target")] FrameStrip Target,
    [property: JsonPropertyName("seconds")] double Seconds) : IExperimentResult
{
    /// <summary>Mean loss of the damaged organisms just before the damage.</summary>
    [JsonPropertyName("loss_before")]
    public double LossBefore => Organisms.Average(o => o.LossBefore);

    /// <summary>Mean loss right after the damage.</summary>
    [JsonPropertyName("loss_after")]
    public double LossAfter => Organisms.Average(o => o.LossAfter);

    /// <summary>Mean loss after the recovery steps.</summary>
    [JsonPropertyName("loss_final")]
    public double LossFinal => Organisms.Average(o => o.LossFinal);

    /// <summary>Mean loss of the controls at the end.</summary>
    [JsonPropertyName("control_loss_final")]
    public double ControlLossFinal => ControlLoss[^1];

    /// <summary>
    /// Canalisation without a noise model: (mean after - mean final) / (mean after - mean before), the share of the
    /// damage's mean loss increase that development undid (1 = back to the undamaged loss, above 1 = better than before).
    /// </summary>
    [JsonPropertyName("recovered_fraction")]
    public double RecoveredFraction => RegenerationExperiment.Recovered(LossBefore, LossAfter, LossFinal);

    /// <summary>Organisms that reached the threshold within the recovery steps.</summary>
    [JsonPropertyName("recovered_organisms")]
    public int RecoveredOrganisms => Organisms.Count(o => o.StepsToRecover is not null);

    /// <summary>Median steps to recover over the organisms that recovered (null when none did).</summary>
    [JsonPropertyName("median_steps_to_recover")]
    public double? MedianStepsToRecover
    {
        get
        {
            var s = Organisms.Where(o => o.StepsToRecover is not null).Select(o => (double)o.StepsToRecover!.Value).Order().ToArray();
            if (s.Length == 0) return null;
            return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }
    }
}

/// <summary>
/// Regeneration of a trained Growing NCA (Mordvintsev et al. 2020, "Experiment 3: Learning to regenerate"), measured as a
/// canalisation that needs no noise model (ours): N organisms grow from the seed for the grow steps; a random disc
/// (centre uniform in [-0.5, 0.5)^2, radius in [0.1, 0.4) of the [-1, 1] grid, as the article's damage) is cut out of
/// each; development goes on for the recovery steps. The RGBA L2 loss against the target is recorded at every step,
/// beside N undamaged controls; per organism and on the means it reports the loss before and right after the damage, at
/// the end, the recovered fraction (after - final) / (after - before) and the steps until the threshold share of the
/// increase is undone.
/// </summary>
public static class RegenerationExperiment
{
    /// <summary>The catalogue entry <c>regenerate</c>.</summary>
    public static ExperimentEntry Entry { get; } = new ExperimentEntry<RegenerationOptions, RegenerationResult>("regenerate",
        "Grow a trained Growing NCA, cut a random disc out of each organism and measure the recovery over developmental time.",
        "Mordvintsev et al. 2020, Growing neural cellular automata (Distill), experiment 3", "regenerate.json",
        (options, seed, progress, cancellationToken) => Run(options, seed, progress, cancellationToken), "regeneration");

    /// <summary>(after - final) / (after - before); NaN when the damage did not raise the loss (after &lt;= before).</summary>
    public static double Recovered(double before, double after, double final) =>
        after > before ? (after - final) / (after - before) : double.NaN;

    /// <summary>
    /// The first index t (1-based steps after the damage) of <paramref name="lossAfterDamage"/> (loss at steps 1, 2, ...) with
    /// loss &lt;= before + (1 - threshold) (after - before); null when none, or when the damage did not raise the loss.
    /// </summary>
    public static int? StepsToRecover(double before, double after, IReadOnlyList<double> lossAfterDamage, double threshold)
    {
        if (!(after > before)) return null;
        double level = before + (1 - threshold) * (after - before);
        for (int t = 0; t < lossAfterDamage.Count; t++)
            if (lossAfterDamage[t] <= level) return t + 1;
        return null;
    }

    /// <summary>Runs the experiment on the run folder the options name.</summary>
    public static RegenerationResult Run(RegenerationOptions options, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        using var run = GrowingNcaRun.Load(options.Run!, options.Device);
        return Run(run, options, seed, progress, cancellationToken);
    }

    /// <summary>Runs the experiment on a loaded run.</summary>
    public static RegenerationResult Run(GrowingNcaRun run, RegenerationOptions options, long seed, IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        var watch = Stopwatch.StartNew();
        int grow = options.GrowSteps > 0 ? options.GrowSteps : run.Options.MaxSteps;
        int recover = options.RecoverySteps > 0 ? options.RecoverySteps : run.Options.MaxSteps;
        options = options with { GrowSteps = grow, RecoverySteps = recover };
        int n = options.Organisms, g = run.Options.Grid;
        var counter = new StepCounter(progress, grow + recover);
        var model = run.Model;
        var device = run.Device;
        var random = Seeds.Random(seed, 1);
        var discs = Enumerable.Range(0, n).Select(_ => GrowingNcaTrainer.RandomDisc(random)).ToArray();
        var masks = discs.Select(d => GrowingNcaTrainer.DiscMask(g, g, d.CentreX, d.CentreY, d.Radius)).ToArray();
        int[] growFrames = FrameSteps(grow, options.Frames), recoverFrames = FrameSteps(recover, options.Frames);
        var growthBytes = new List<byte[]>();
        var regenerationBytes = new List<byte[]>();
        var time = new List<int>();
        var loss = new List<double>();
        var control = new List<double>();
        var perOrganism = Enumerable.Range(0, n).Select(_ => new List<double>()).ToArray(); // losses after the damage, steps 1..recover
        double[] before = new double[n], after = new double[n];

        using var generator = Seeds.Generator(device, seed, 2);
        using var noGrad = torch.no_grad();
        var state = model.Seed(2 * n, g, g, device).DetachFromDisposeScope();   // (2N, C, G, G): N to damage, N controls
        void Record(int t, Tensor s)
        {
            using var scope = torch.NewDisposeScope();
            var l = GrowingNca.Loss(s, run.Target).to(CPU).to_type(ScalarType.Float64).data<double>().ToArray();
            time.Add(t);
            loss.Add(l.Take(n).Average());
            control.Add(l.Skip(n).Average());
        }
        Record(0, state);
        if (growFrames.Contains(0)) growthBytes.Add(GrowingNcaRun.Composite(state));
        for (int t = 1; t <= grow; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var next = Step(model, state, generator);
            state.Dispose();
            state = next;
            Record(t, state);
            if (growFrames.Contains(t)) growthBytes.Add(GrowingNcaRun.Composite(state));
            counter.Advance($"grow {t}/{grow}", 8);
        }
        using (var scope = torch.NewDisposeScope())
        {
            var l = GrowingNca.Loss(state, run.Target).to(CPU).to_type(ScalarType.Float64).data<double>().ToArray();
            Array.Copy(l, before, n);
            var values = Enumerable.Repeat(1f, 2 * n * g * g).ToArray();                          // controls (the last N) keep every cell
            for (int k = 0; k < n; k++)
                for (int i = 0; i < g * g; i++) values[k * g * g + i] = 1f - masks[k][i];
            state.mul_(torch.tensor(values, new long[] { 2 * n, 1, g, g }, device: device));        // the disc cut out of the first N
            l = GrowingNca.Loss(state, run.Target).to(CPU).to_type(ScalarType.Float64).data<double>().ToArray();
            Array.Copy(l, after, n);
        }
        Record(grow, state);
        regenerationBytes.Add(GrowingNcaRun.Composite(state));
        int[] regenerationSteps = new[] { grow }.Concat(recoverFrames.Where(f => f > 0).Select(f => grow + f)).ToArray();
        for (int t = 1; t <= recover; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var next = Step(model, state, generator);
            state.Dispose();
            state = next;
            using (var scope = torch.NewDisposeScope())
            {
                var l = GrowingNca.Loss(state, run.Target).to(CPU).to_type(ScalarType.Float64).data<double>().ToArray();
                for (int k = 0; k < n; k++) perOrganism[k].Add(l[k]);
                time.Add(grow + t);
                loss.Add(l.Take(n).Average());
                control.Add(l.Skip(n).Average());
            }
            if (recoverFrames.Contains(t)) regenerationBytes.Add(GrowingNcaRun.Composite(state));
            counter.Advance($"recover {t}/{recover}", 8);
        }
        state.Dispose();

        var organisms = Enumerable.Range(0, n).Select(k => new OrganismRecovery(
            new Disc(discs[k].CentreX, discs[k].CentreY, discs[k].Radius, masks[k].Count(v => v > 0)),
            before[k], after[k], perOrganism[k][^1], Recovered(before[k], after[k], perOrganism[k][^1]),
            StepsToRecover(before[k], after[k], perOrganism[k], options.Threshold))).ToArray();
        byte[] target = GrowingNcaRun.Composite(run.Target);
        return new RegenerationResult(options, seed, run.Run.Path, run.Preset.Name, run.Step, device.ToString(), g,
            time.ToArray(), loss.ToArray(), control.ToArray(), organisms,
            new FrameStrip(growFrames, g, growthBytes.SelectMany(b => b).ToArray()),
            new FrameStrip(regenerationSteps, g, regenerationBytes.SelectMany(b => b).ToArray()),
            new FrameStrip(new[] { 0 }, g, target), watch.Elapsed.TotalSeconds);
    }

    private static Tensor Step(GrowingNca model, Tensor state, Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        return model.Step(state, generator).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="frames"/> steps from 0 to <paramref name="steps"/>, evenly spaced, both ends included, distinct.</summary>
    public static int[] FrameSteps(int steps, int frames) =>
        Enumerable.Range(0, frames).Select(i => (int)Math.Round((double)i * steps / (frames - 1))).Distinct().ToArray();
}
