// File-based twin of 01-quickstart.ipynb: the same code cells in the same order, markdown as comments. From the repo root:
//   dotnet run notebooks/01-quickstart.cs [output folder]      (figures go to notebooks/out/01/ by default)
// TorchSharp-cpu takes its version (0.107.0) from Directory.Packages.props; PublishAot=false because TorchSharp is not
// AOT-compatible (file-based apps default to native AOT, whose analyzers would fail this warnings-as-errors build).
// Where the notebook displays something inline, display() below writes figures as PNG and prints tables.
#:project ../src/GenomicCode/GenomicCode.csproj
#:project ../src/GenomicCode.Plotting/GenomicCode.Plotting.csproj
#:package TorchSharp-cpu
#:property PublishAot=false

// ---- markdown ----
// # Quickstart: a genome as a latent space
//
// Mitchell & Cheney (*The Genomic Code*, arXiv 2407.15908) argue that a genome is better read as a compressed
// generative model of the organism than as a blueprint. The genes are latent variables; development is the decoder
// that grows a body from them by self-organisation; evolution is the slow learning algorithm that writes the code.
// A variational autoencoder (VAE) has exactly these three parts, and GenomicCode names them that way:
//
// - the **genome** is a point in a small latent space with a standard-normal prior (`Latent/`),
// - **development** is a decoder that turns a genome into a phenotype (`Development/`),
// - an amortised **encoder** (`Encoders/`) infers a genome for an observed organism in one shot. It stands in for
//   evolution, which would have to search for such a genome generation by generation (see notebook 04).
//
// This notebook trains a small genome VAE for 400 steps on the built-in sprites world and looks at what it learned:
// reconstructions, which genome dimensions it uses, what each of them does to the organism (latent traversals) and
// organisms grown from genomes nobody has seen. It takes about a minute on 2 CPU cores.

// ---- code ----
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Models;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using GenomicCode.Training;
using TorchSharp;

ThreadPolicy.PreferPassiveWaiting();   // idle libtorch threads sleep instead of spinning (shared CPUs)
NativeRuntime.ConfigureMalloc();       // keep freed tensor memory in-process: much faster libtorch on Linux
var device = Devices.Parse("auto");    // CUDA when a CUDA backend and a GPU are present, otherwise the CPU
Console.WriteLine($"device {device}, {torch.get_num_threads()} threads");

// ---- markdown ----
// ## The sprites world
//
// The organisms are the 64x64 binary sprites of dSprites (Matthey et al. 2017), rendered on demand from five
// independent ground-truth factors: shape, scale, orientation and the x and y position. Nothing is downloaded. Because
// the true factors are known for every image, we can later ask whether the genome the model invents lines up with them
// (notebook 02).

// ---- code ----
var world = new SpritesWorld();
display(world.FactorNames.Zip(world.FactorSizes, (factor, values) => new { Factor = factor, Values = values }));
var examples = world.Render(world.SampleFactors(8, seed: 1), device);
display(Figures.DrawImageGrid(new ImageGrid(1, 8, 64, 64, examples.cpu().data<float>().ToArray()), "Eight organisms of the sprites world"));

// ---- markdown ----
// ## A small genome VAE
//
// The preset `notebook-quickstart` (shipped in `models/`) describes the model: a 10-dimensional Gaussian genome, a
// convolutional encoder and a convolutional decoder. This decoder is the "blueprint" baseline: it paints the phenotype
// directly; notebook 03 swaps in decoders that grow it from one cell. The loss is the negative evidence lower bound:
// how badly development regrows the organism from a sampled genome (Bernoulli likelihood, in nats), plus the KL
// divergence that keeps the inferred genomes close to the prior. The prior is what makes the space a space: any
// genome drawn from it should grow into a plausible organism.

// ---- code ----
var preset = PresetCatalog.Load("notebook-quickstart");
var model = GenomeVae.Create(preset.Model, world.ObservationShape, seed: 0, device);
var trainer = new Trainer(model, world, preset.Training, device);
display(new { preset.Name, preset.Description, Parameters = model.parameters().Sum(p => p.numel()) });

// ---- markdown ----
// ## Training
//
// Each step renders a fresh batch of 64 sprites, so the model never sees the same data twice. Every step's batch and
// noise derive from the seed, so the run is reproducible.

// ---- code ----
var log = new List<StepMetrics>();
while (trainer.Step < preset.Training.Steps)
{
    log.Add(trainer.TrainStep());
    if (trainer.Step % 100 == 0) Console.WriteLine($"step {trainer.Step}: loss {log[^1].Loss:F1}, reconstruction {log[^1].Reconstruction:F1}, KL {log[^1].Kl:F2} nats");
}
display(Figures.DrawCurves("Training loss (negative ELBO)", "nats per image",
    new Dictionary<string, (double[], double[])> { ["loss"] = (log.Select(m => (double)m.Step).ToArray(), log.Select(m => m.Loss).ToArray()) }, logY: true));

// ---- markdown ----
// ## Reconstructions
//
// The encoder proposes a genome for each organism (the posterior mean) and development grows it back. After a few
// hundred steps the model gets position and size right and shape only roughly; the full `quickstart` preset (4,000
// steps, a few minutes) sharpens the shapes.

// ---- code ----
var (inputs, regrown) = LatentTraversal.Reconstructions(model, world, 8, seed: 2, device);
display(Figures.DrawImageGrid(new ImageGrid(2, 8, 64, 64, inputs.Concat(regrown).ToArray(), new[] { "organism", "regrown" }),
    "Organisms and what grows from their genomes"));

// ---- markdown ----
// ## What each gene does: latent traversals
//
// The KL of a genome dimension, averaged over the last steps, says how much information the model stores in it.
// Dimensions with KL near zero are unused: their posterior equals the prior whatever the organism. A traversal keeps
// one organism's genome fixed and sweeps a single dimension from -2 to +2. A used dimension changes the organism; in a
// disentangled code each one would change a single factor (only position, or only size). A plain VAE (beta = 1)
// often mixes factors within a dimension; notebook 02 measures how much.

// ---- code ----
var kl = Enumerable.Range(0, model.LatentSize).Select(j => log.TakeLast(25).Average(m => m.KlPerDimension[j])).ToArray();
var sweep = LatentTraversal.Linspace(-2, 2, 9);
var tiles = LatentTraversal.Traverse(model, world, sweep, seed: 3, device);
display(Figures.DrawImageGrid(new ImageGrid(model.LatentSize, sweep.Length, 64, 64, tiles,
        kl.Select((v, j) => $"z{j} (KL {v:F2})").ToArray(), sweep.Select(v => v.ToString("+0.0;-0.0;0")).ToArray()),
    "Latent traversals: one genome dimension at a time, from -2 to +2"));

// ---- markdown ----
// ## New organisms from the prior
//
// Because the prior is a standard normal (the Gaussian latent's prior, `model.SamplePrior`), we can draw genomes that no observed organism had and let development grow
// them. In the paper's terms this is the generative side of the genomic code: the genome space is a space of possible
// organisms, and mutation moves through it. After this short training some prior genomes still grow faint or empty
// organisms: regions of genome space that no observed organism's genome occupies yet.

// ---- code ----
var randomGenomes = model.SamplePrior(16, new torch.Generator(4, device));
var grown = model.Develop(randomGenomes);
display(Figures.DrawImageGrid(new ImageGrid(2, 8, 64, 64, grown.cpu().data<float>().ToArray()), "Organisms grown from 16 genomes drawn from the prior"));

// ---- markdown ----
// ## Next
//
// - The CLI does all of this for a full run: `genomic-code train --preset quickstart` writes reconstructions,
//   traversals and the loss curve into a run folder.
// - Notebook 02 compares disentanglement regularisers, notebook 03 replaces the blueprint decoder by development from
//   one cell, notebook 04 lets evolution, not the encoder, find genomes.

// ---- twin only ----
// Stands in for the notebook's inline display: figures become PNG files, tables and everything else are printed.
void display(object? value) => ConsoleDisplay.Show(value, args.Length > 0 ? args[0] : Path.Combine("notebooks", "out", "01"));
