// File-based twin of 03-development.ipynb: the same code cells in the same order, markdown as comments. From the repo root:
//   dotnet run notebooks/03-development.cs [output folder]      (figures go to notebooks/out/03/ by default)
// TorchSharp-cpu takes its version (0.107.0) from Directory.Packages.props; PublishAot=false because TorchSharp is not
// AOT-compatible (file-based apps default to native AOT, whose analyzers would fail this warnings-as-errors build).
// Where the notebook displays something inline, display() below writes figures as PNG and prints tables.
#:project ../src/GenomicCode/GenomicCode.csproj
#:project ../src/GenomicCode.Plotting/GenomicCode.Plotting.csproj
#:package TorchSharp-cpu
#:property PublishAot=false

// ---- markdown ----
// # Development: growing an organism from one cell
//
// In *The Genomic Code* the decoder is development: the genome is not read out pixel by pixel but sets the rules of a
// self-organising process, and the form emerges from cells interacting. This notebook replaces the blueprint decoder of
// notebook 01 with two developmental decoders from `GenomicCode.Development` and looks at the process itself:
//
// 1. a **gene-regulatory network** (GRN) in every cell of a grid, grown from a single zygote: a time-lapse of
//    development, and what developmental noise does to it;
// 2. an **energy landscape**, the formal version of Waddington's epigenetic landscape: development is a ball rolling
//    downhill, the valleys (attractors) are the outcomes, and canalisation is the depth of the valley.
//
// The GRN is the pretrained `sprites-grn` model shipped in `models/pretrained/` (2,000 steps, its card says how it was
// trained); the energy landscape is trained briefly here. About a minute on 2 CPU cores.

// ---- code ----
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Experiments;
using GenomicCode.Models;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using GenomicCode.Training;
using TorchSharp;

ThreadPolicy.PreferPassiveWaiting();
NativeRuntime.ConfigureMalloc();
var device = Devices.Parse("auto");
var world = new SpritesWorld();

// ---- markdown ----
// ## A gene-regulatory network in every cell
//
// Each cell of a 16x16 grid carries the expression levels x of 16 genes and updates them with the connectionist GRN
// of Watson et al. (2014): x <- (1 - tau) x + tau tanh(W(g) [x; signals] + b(g)), with tau = 0.2 as in Kouvaris et al.
// (2017). The genome g does not paint anything: it sets the regulatory weights W(g) and biases b(g), through a small
// hypernetwork, and the maternal factors placed in the zygote. Four genes are secreted morphogens; each cell senses
// their level and gradient in its neighbourhood, which is how cells far from the zygote learn where they are. Cells
// come alive next to living cells, so the organism spreads from the centre. Gene 0 is read out as the pixel, after
// 20 steps.
//
// The pretrained `sprites-grn` model trained this decoder, with a convolutional encoder, for 2,000 steps without
// developmental noise; below we add noise to the trained network.

// ---- code ----
var pretrained = PretrainedModels.Load("sprites-grn", "auto");
var card = PretrainedModels.Card("sprites-grn");
Console.WriteLine($"{card.Name}: {card.Steps:N0} steps, seed {card.Seed}, {card.TrainingSeconds / 60:F0} min of training");
var model = pretrained.Model;
var grn = (GrnDecoder)model.Decoder;

// ---- markdown ----
// ## A time-lapse of development
//
// `DevelopmentStrip.Capture` infers the genomes of four sprites with the encoder, develops them and records the
// phenotype at chosen steps (trajectory capture). Step 0 is the zygote alone (one cell of 256, barely visible). The
// living tissue spreads outwards and the morphogen gradients decide where the readout gene switches on. After this
// training the organisms get the position and rough size of their targets, not yet their shapes.

// ---- code ----
var (targets, _) = LatentTraversal.Reconstructions(model, world, 4, seed: 1, device);
display(Figures.DrawImageGrid(new ImageGrid(1, 4, 64, 64, targets), "The four target organisms"));
var frames = DevelopmentStrip.Capture(model, world, count: 4, columns: 9, seed: 1, device);
display(Figures.DrawImageGrid(new ImageGrid(frames.Organisms, frames.Steps.Length, 64, 64, frames.Pixels,
        Enumerable.Range(0, frames.Organisms).Select(i => $"organism {i}").ToArray(), frames.Steps.Select(s => $"step {s}").ToArray()),
    "Development from the zygote, step by step"));

// ---- markdown ----
// ## Developmental noise: one genome, eight organisms
//
// Developing the same genome several times with different noise draws gives identical twins that still differ. How
// much they differ is the developmental (environmental) variance at that genome; a genotype whose phenotype barely
// changes under noise is *canalised* (Waddington 1942). Noise enters every gene at every step, so the network's own
// dynamics can amplify or damp it.
//
// To vary the noise we copy the trained network into decoders that differ only in their noise level, then develop
// one genome eight times with a little noise (standard deviation 0.02 per gene and step) and with ten times that.

// ---- code ----
var levels = new[] { 0.0, 0.01, 0.02, 0.05, 0.1, 0.2 };
var decoders = levels.ToDictionary(level => level, level => new GrnDecoder(model.LatentSize, world.ObservationShape, pretrained.Header.Model.Decoder.OptionsAs<GrnOptions>() with { Noise = level }));
foreach (var decoder in decoders.Values) decoder.load_state_dict(grn.state_dict());
var genome = model.Encode(world.Render(world.SampleFactors(1, seed: 5), device));
var twins = torch.cat(new[] { 0.02, 0.2 }.Select(level => decoders[level].Develop(genome.repeat(8, 1), new torch.Generator(6, device)).Phenotype.sigmoid().detach()).ToArray(), 0);
display(Figures.DrawImageGrid(new ImageGrid(2, 8, 64, 64, twins.cpu().data<float>().ToArray(), new[] { "noise 0.02", "noise 0.2" }), "One genome developed eight times"));

// ---- markdown ----
// ## How variation grows with the noise
//
// `Robustness.Developmental` develops 16 genomes 8 times each at every noise level and compares each replicate with
// the noise-free phenotype. The phenotypic variance is the variance across replicates, per pixel; robustness is the
// share of replicates within a mean absolute pixel difference of 0.02 of the noise-free organism. A canalised network
// keeps the variance small up to a noise level and then gives way.

// ---- code ----
var parents = model.Encode(world.Render(world.SampleFactors(16, seed: 7), device));
var robustness = levels.Select(level => Robustness.Developmental((g, generator) => decoders[level].Develop(g, generator).Phenotype.sigmoid(),
    g => decoders[0.0].Develop(g, null).Phenotype.sigmoid(), parents, replicates: 8, epsilon: 0.02, seed: 8, level: level)).ToList();
display(robustness.Select(p => new { Noise = p.Level, p.PhenotypicVariance, p.Robustness, p.MeanDistance }));
display(AnalysisFigures.DrawLines("Developmental noise and the spread of twins", "noise per gene and step", "value", new Dictionary<string, (double[], double[])>
{
    ["variance across replicates x 100"] = (levels, robustness.Select(p => 100 * p.PhenotypicVariance).ToArray()),
    ["share within 0.02 of the noise-free organism"] = (levels, robustness.Select(p => p.Robustness).ToArray()),
}));

// ---- markdown ----
// ## Waddington's landscape
//
// The landscape decoder makes the metaphor literal. The organism's developmental state x (here 4 numbers) starts at
// the origin and descends a genome-shaped potential, x <- x - eta dE(x; g)/dx (+ noise), for 8 steps; a readout draws
// the final state as the phenotype. E(x; g) is a confining bowl plus a small neural network that the genome modulates,
// so the genome sculpts the landscape and development only rolls down it. The `notebook-landscape` preset trains it
// for 200 steps.

// ---- code ----
var landscapePreset = PresetCatalog.Load("notebook-landscape");
var landscapeModel = GenomeVae.Create(landscapePreset.Model, world.ObservationShape, seed: 0, device);
var landscapeTrainer = new Trainer(landscapeModel, world, landscapePreset.Training, device);
var landscapeLog = new List<StepMetrics>();
while (landscapeTrainer.Step < landscapePreset.Training.Steps) landscapeLog.Add(landscapeTrainer.TrainStep());
Console.WriteLine($"step {landscapeTrainer.Step}: reconstruction {landscapeLog[^1].Reconstruction:F1} nats, KL {landscapeLog[^1].Kl:F2} nats");
var landscape = (LandscapeDecoder)landscapeModel.Decoder;

// ---- markdown ----
// ## Attractors and their basins
//
// `LandscapeAnalysis` treats E(x; g) of one genome as a landscape: it drops 256 balls at random states, lets them all
// roll down together (batched gradient descent) and merges the end points into attractors. The share of balls that end
// in an attractor is the size of its basin; the barrier between two attractors is the highest energy on the straight
// path between them. Several attractors would mean several possible outcomes for one genome, chosen by where
// development starts or by noise, like cell fates; one attractor with a basin covering everything means development
// is canalised to a single outcome.
//
// We survey the landscapes of four organisms' genomes. In this small, briefly trained model the confining bowl
// dominates and each genome typically has a single valley; what the genome does is move the valley floor, so that
// development ends in a different state, and grows a different organism, for each genome. Multistable landscapes need
// a potential rougher than the bowl (a larger potential network, or selection for several outcomes per genome).

// ---- code ----
var organisms = landscapeModel.Encode(world.Render(world.SampleFactors(4, seed: 9), device));
var surveys = Enumerable.Range(0, 4).Select(i => LandscapeAnalysis.FindAttractors(LandscapeAnalysis.ForGenome(landscape, organisms.narrow(0, i, 1)),
    LandscapeAnalysis.RandomStarts(256, landscape.StateSize, -3, 3, seed: 10, device), stepSize: 0.05, maxSteps: 2000)).ToList();
display(surveys.SelectMany((survey, i) => survey.Attractors.Select(a => new { Organism = i, a.Energy, a.BasinShare, State = string.Join(", ", a.Position.Select(v => v.ToString("F2"))), survey.Unconverged })));
var energy = LandscapeAnalysis.ForGenome(landscape, organisms.narrow(0, 0, 1));
if (surveys[0].Attractors.Count > 1) display(LandscapeAnalysis.BarrierBetween(energy, surveys[0].Attractors[0].Position, surveys[0].Attractors[1].Position));

// ---- markdown ----
// ## A slice through the landscape
//
// The figure cuts organism 0's 4-dimensional landscape along state dimensions 0 and 1 through its main attractor (the
// other dimensions stay at the attractor's values), and draws descents from 12 random starts projected onto the slice
// (open circle: start; filled: end). Contours are lines of equal energy.

// ---- code ----
var slice = LandscapeAnalysis.Slice(energy, surveys[0].Attractors[0].Position, 0, 1, extent: 3, resolution: 41,
    trajectoryStarts: LandscapeAnalysis.RandomStarts(12, landscape.StateSize, -3, 3, seed: 11, device), stepSize: 0.05, trajectorySteps: 300);
display(LandscapeFigure.Draw(new LandscapePlotData(slice.Xs, slice.Ys, slice.Energy, slice.Trajectories),
    "Energy landscape of one genome, through its main attractor", "state 0", "state 1"));

// ---- markdown ----
// ## Next
//
// - `genomic-code train --preset sprites-grn` (or `sprites-nca`, `sprites-landscape`) trains the full-size decoders and
//   writes a development strip and, for the landscape, this slice into the run folder; `genomic-code analyze` measures
//   mutational and developmental robustness of any run.
// - `genomic-code bench develop` measures how fast development runs, batched over organisms.

// ---- twin only ----
// Stands in for the notebook's inline display: figures become PNG files, tables and everything else are printed.
void display(object? value) => ConsoleDisplay.Show(value, args.Length > 0 ? args[0] : Path.Combine("notebooks", "out", "03"));
