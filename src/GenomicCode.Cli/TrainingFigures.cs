using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Models;
using GenomicCode.Numerics;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using GenomicCode.Training;
using TorchSharp;

namespace GenomicCode.Cli;

/// <summary>
/// The end-of-training figures of a run folder: reconstructions, samples from the prior, latent traversals, loss curve, and a development strip
/// for developmental decoders. A run whose genome is DNA gets, instead of traversals, the most probable genome of each
/// reconstructed phenotype (genome.fa) and the regulatory matrix the first of them encodes (regulation.png).
/// </summary>
public static class TrainingFigures
{
    /// <summary>File names of the figures.</summary>
    public const string Reconstructions = "reconstructions.png", Traversals = "traversals.png", Loss = "loss.png", Development = "development.png", Landscape = "landscape.png",
        Regulation = "regulation.png", PriorSamples = "samples.png";

    /// <summary>Writes the figures into <paramref name="run"/> and returns their paths.</summary>
    public static IReadOnlyList<string> Write(RunFolder run, GenomeVae model, IGroundTruthData data, torch.Device device, long seed)
    {
        var (c, h, w) = data.ObservationShape;
        int side = h, pixels = c * h * w;
        const int n = 8;
        var (inputs, recon) = LatentTraversal.Reconstructions(model, data, n, (long)Seeds.Derive(seed, 3), device);
        var both = new float[2 * n * side * side];
        // Grey-scale tiles: the first channel of each image.
        for (int i = 0; i < n; i++)
        {
            Array.Copy(inputs, i * pixels, both, i * side * side, side * side);
            Array.Copy(recon, i * pixels, both, (n + i) * side * side, side * side);
        }
        var written = new List<string>
        {
            Figures.SaveImageGrid(new ImageGrid(2, n, side, side, both, new[] { "input", "reconstruction" }),
                "Inputs and reconstructions (posterior mean)", run.File(Reconstructions)),
        };

        written.Add(WritePriorSamples(run, model, device, seed, side, pixels));
        if (model.Latent is GenomicCode.Latent.NucleotideLatent)
            written.AddRange(WriteDna(run, model, data, device, (long)Seeds.Derive(seed, 3), n));
        else
            written.Add(WriteTraversals(run, model, data, device, seed, side, pixels));

        if (model.Decoder is GenomicCode.Development.DevelopmentalDecoder)
        {
            // Development strip: each row one organism (posterior mean genome), each column a developmental step.
            var frames = DevelopmentStrip.Capture(model, data, 4, 7, (long)Seeds.Derive(seed, 5), device);
            int cols = frames.Steps.Length;
            var strip = new float[frames.Organisms * cols * side * side];
            for (int t = 0; t < frames.Organisms * cols; t++) Array.Copy(frames.Pixels, t * pixels, strip, t * side * side, side * side);
            written.Add(Figures.SaveImageGrid(new ImageGrid(frames.Organisms, cols, side, side, strip,
                    Enumerable.Range(0, frames.Organisms).Select(i => $"organism {i}").ToArray(), frames.Steps.Select(s => $"step {s}").ToArray()),
                "Development: the phenotype as it grows from the seed", run.File(Development)));
        }

        if (model.Decoder is GenomicCode.Development.IEnergyLandscape landscape)
            written.Add(WriteLandscape(run, model, landscape, data, device, seed));

        var loss = MetricsLog.ReadLoss(run.File(RunFolder.MetricsFile));
        if (loss.Count > 0)
        {
            // A log axis: the loss falls by orders of magnitude early on, and the later steps stay readable.
            written.Add(Figures.SaveCurves("Training loss", "loss (nats per image, log scale)",
                new Dictionary<string, (double[], double[])> { ["loss"] = (loss.Select(l => (double)l.Step).ToArray(), loss.Select(l => l.Loss).ToArray()) },
                run.File(Loss), logY: loss.All(l => l.Loss > 0)));
        }
        return written;
    }

    /// <summary>Samples from the prior: 2 x 8 genomes drawn from the latent's prior, developed; the first channel's probabilities.</summary>
    private static string WritePriorSamples(RunFolder run, GenomeVae model, torch.Device device, long seed, int side, int pixels)
    {
        const int rows = 2, cols = 8;
        var tiles = new float[rows * cols * side * side];
        using (var scope = torch.NewDisposeScope())
        {
            using var generator = new torch.Generator((ulong)Seeds.Derive(seed, 6), device);
            var values = model.Develop(model.SamplePrior(rows * cols, generator)).cpu().data<float>().ToArray();   // (16, C, H, W)
            for (int i = 0; i < rows * cols; i++) Array.Copy(values, i * pixels, tiles, i * side * side, side * side);
        }
        return Figures.SaveImageGrid(new ImageGrid(rows, cols, side, side, tiles, new[] { "prior", "prior" }),
            "Samples from the prior (phenotype probabilities)", run.File(PriorSamples));
    }

    /// <summary>Latent traversals: each genome dimension swept from -2 to 2 around one phenotype's posterior mean.</summary>
    private static string WriteTraversals(RunFolder run, GenomeVae model, IGroundTruthData data, torch.Device device, long seed, int side, int pixels)
    {
        var values = LatentTraversal.Linspace(-2, 2, 9);
        var tiles = LatentTraversal.Traverse(model, data, values, (long)Seeds.Derive(seed, 4), device);
        int d = model.LatentSize;
        var grey = new float[d * values.Length * side * side];
        for (int t = 0; t < d * values.Length; t++) Array.Copy(tiles, t * pixels, grey, t * side * side, side * side);
        var kl = ReadLastKl(run.File(RunFolder.MetricsFile), d);
        var rowLabels = Enumerable.Range(0, d).Select(j => kl is null ? $"z{j}" : $"z{j} (KL {kl[j]:F2})").ToArray();
        return Figures.SaveImageGrid(new ImageGrid(d, values.Length, side, side, grey, rowLabels, values.Select(v => v.ToString("+0.0;-0.0;0")).ToArray()),
            "Latent traversals: each genome dimension from -2 to 2", run.File(Traversals));
    }

    /// <summary>
    /// genome.fa: the most probable genome of each of the <paramref name="count"/> reconstructed phenotypes (the factors
    /// of the reconstruction figure), named sprite1.. with their factor values; regulation.png: the regulatory matrix the
    /// first genome encodes, when the decoder reads DNA.
    /// </summary>
    private static IEnumerable<string> WriteDna(RunFolder run, GenomeVae model, IGroundTruthData data, torch.Device device, long factorSeed, int count)
    {
        using var scope = torch.NewDisposeScope();
        model.eval();
        var factors = data.SampleFactors(count, factorSeed);
        var genomes = DnaGenomes.MostProbable(model, data.Render(factors, device));          // (count, L)
        var names = Enumerable.Range(0, count).Select(i => $"sprite{i + 1} " +
            string.Join(" ", data.FactorNames.Select((f, j) => $"{f}={factors[i, j]}"))).ToArray();
        GenomicCode.Latent.NucleotideFasta.WriteFile(run.File(RunFolder.GenomeFile), genomes, names);
        var written = new List<string> { run.File(RunFolder.GenomeFile) };
        if (model.Decoder is GenomicCode.Development.GrnDecoder { Layout: not null })
        {
            var (w, genes, regulators) = DnaGenomes.Regulation(model, genomes[0]);
            written.Add(GenomeFigures.SaveRegulation("Regulatory matrix of sprite1's most probable genome (genes x regulators)", w, genes, regulators,
                run.File(Regulation)));
        }
        return written;
    }

    /// <summary>
    /// The energy landscape of one organism's genome (posterior mean), sliced through the state it develops to along
    /// state dimensions 0 and 1, with descent trajectories from 8 random starts around it.
    /// </summary>
    private static string WriteLandscape(RunFolder run, GenomeVae model, GenomicCode.Development.IEnergyLandscape decoder, IGroundTruthData data, torch.Device device, long seed)
    {
        using var scope = torch.NewDisposeScope();
        model.eval();
        var genome = model.Encode(data.Render(data.SampleFactors(1, (long)Seeds.Derive(seed, 6)), device)); // (1, D)
        Analysis.LandscapeSlice slice;
        using (var g = new torch.Generator((ulong)seed, device))
        {
            var final = decoder.Descend(genome, decoder.Steps, g).detach();                               // (1, K)
            var centre = final.to(torch.CPU).to(torch.ScalarType.Float64).data<double>().ToArray();
            var energy = LandscapeAnalysis.ForGenome(decoder, genome);
            var starts = final.Plus(LandscapeAnalysis.RandomStarts(8, decoder.StateSize, -2, 2, (long)Seeds.Derive(seed, 7), device));
            slice = LandscapeAnalysis.Slice(energy, centre, 0, 1, 3, 41, starts, decoder.StepSize, decoder.Steps, device);
        }
        return LandscapeFigure.Save(new LandscapePlotData(slice.Xs, slice.Ys, slice.Energy, slice.Trajectories),
            "Energy landscape of one genome (slice through its developed state) and descents", run.File(Landscape), "state 0", "state 1");
    }

    private static double[]? ReadLastKl(string metricsPath, int d)
    {
        if (!File.Exists(metricsPath)) return null;
        string? last = File.ReadLines(metricsPath).LastOrDefault(l => !string.IsNullOrWhiteSpace(l));
        if (last is null) return null;
        using var doc = System.Text.Json.JsonDocument.Parse(last);
        if (!doc.RootElement.TryGetProperty("kl_per_dimension", out var arr) || arr.GetArrayLength() != d) return null;
        return arr.EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }
}
