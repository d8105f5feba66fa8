// File-based twin of 04-evolution.ipynb: the same code cells in the same order, markdown as comments. From the repo root:
//   dotnet run notebooks/04-evolution.cs [output folder]      (figures go to notebooks/out/04/ by default)
// TorchSharp-cpu takes its version (0.107.0) from Directory.Packages.props; PublishAot=false because TorchSharp is not
// AOT-compatible (file-based apps default to native AOT, whose analyzers would fail this warnings-as-errors build).
// Where the notebook displays something inline, display() below writes figures as PNG and prints tables.
#:project ../src/GenomicCode/GenomicCode.csproj
#:project ../src/GenomicCode.Plotting/GenomicCode.Plotting.csproj
#:package TorchSharp-cpu
#:property PublishAot=false

// ---- markdown ----
// # Evolution: selection, correlated responses and evolvability
//
// In the genome-VAE picture an encoder infers a genome for an organism in one shot. Mitchell & Cheney point out that
// this is only a surrogate: in nature the code is written by evolution, by variation and selection over generations.
// This notebook takes genotype-phenotype maps (the decoders of pretrained genome VAEs shipped in `models/pretrained/`)
// and runs evolution on them with `GenomicCode.Evolution`:
//
// 1. evolution as an encoder: can selection find a genome that regrows a given organism as well as the encoder does?
// 2. artificial selection on one trait, and the **correlated responses** of the traits nobody selected;
// 3. **evolvability**: how many random mutations improve fitness, and how quickly a population re-adapts when the
//    selection target moves.
//
// Each is an experiment of `GenomicCode.Experiments`, the same code the `genomic-code` verbs run: an options record in,
// one result record out, which is the JSON file the command line writes and from which `ExperimentFigures` draws the
// figures. Every generation develops the whole population in one batched call of the decoder. About a minute on 2 CPU
// cores.

// ---- code ----
using System.IO;
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Evolution;
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
// ## Two genotype-phenotype maps
//
// The decoders of two pretrained genome VAEs serve as development: a plain VAE (`sprites-vae`) and a beta-VAE
// (`sprites-beta-vae`), trained on the sprites world with the same network and budget; each maps a 10-gene genome to a
// 64x64 organism. Notebook 02 measures how disentangled their genomes are. Evolution below uses the beta-VAE's decoder,
// and the selection experiment runs on both. The encoder is used once, to place the starting population where the
// decoder has learned to grow real-looking organisms.

// ---- code ----
var pretrained = new Dictionary<string, string> { ["VAE"] = "sprites-vae", ["beta-VAE"] = "sprites-beta-vae" }
    .ToDictionary(p => p.Key, p => (Run: PretrainedModels.Load(p.Value, "auto"), Card: PretrainedModels.Card(p.Value)));
foreach (var (label, (_, card)) in pretrained)
    Console.WriteLine($"{label}: {card.Steps:N0} steps, seed {card.Seed}; MIG {card.Metrics["mig"]:F3}, DCI disentanglement {card.Metrics["dci_disentanglement"]:F3}");
var model = pretrained["beta-VAE"].Run.Model;

// ---- markdown ----
// ## Evolution as the encoder
//
// Pick a target organism and let CMA-ES (Hansen 2016), an evolution strategy that adapts the shape of its mutation
// distribution, evolve a genome whose developed phenotype matches it (fitness: minus the Bernoulli negative
// log-likelihood of the target). The encoder answers in one forward pass; evolution needs many developments but no
// gradients and no encoder at all. The strategy is named from the strategies catalogue with its options
// (`genomic-code list strategies`); its search starts at genome 0, the centre of the prior.

// ---- code ----
var target = world.Render(world.SampleFactors(1, seed: 4), device);
var evolveOptions = new EvolveOptions { Target = "a sampled sprite", Generations = 40, Strategy = StrategyCatalog.Spec("cma", new CmaOptions { Population = 16 }) };
var evolved = EvolveExperiment.Run(model, target, evolveOptions, seed: 5);
display(new { EncoderNll = evolved.Encoder.Nll, EvolvedNll = evolved.Evolved.Nll,
    GenerationsToBeatEncoder = evolved.GenerationsToBeatEncoder?.ToString() ?? $"not within {evolveOptions.Generations}" });
foreach (var figure in ExperimentFigures.Evolve(evolved).Values) display(figure);

// ---- markdown ----
// ## Traits
//
// Selection acts on traits, not on pixels. `SpritesTraits` measures five traits of every phenotype from its image
// moments (Hu 1962): the centroid (posX, posY), scale (square root of the area), orientation of the principal axis,
// and elongation. The starting population is 128 genomes inferred from random sprites.

// ---- code ----
var traits = new SpritesTraits();
Func<GenomeVae, Func<torch.Tensor, torch.Tensor>> traitsOfModel = m => genomes => traits.Extract(m.Develop(genomes));
var traitsOf = traitsOfModel(model);
var founders = world.Render(world.SampleFactors(128, seed: 1), device);
var population = model.Encode(founders);
var initial = traitsOf(population);
display(traits.TraitNames.Select((name, t) => new { Trait = name, Mean = initial.select(1, t).mean().item<float>(), Sd = initial.select(1, t).std().item<float>() }));

// ---- markdown ----
// ## Selection on one trait, and the correlated responses
//
// Artificial selection, as a breeder would run it: each generation the top quarter of the population on one trait
// breeds (truncation selection), children recombine their parents' genes (uniform crossover) and mutate (Gaussian,
// sigma 0.1). We run one selection line on each of posX, posY and scale, 15 generations each, and record every
// trait's population mean.
//
// When one trait is selected, others change too: this *correlated response* (Falconer & Mackay 1996) comes from
// pleiotropy, genes that affect several traits. Its pattern is what Mitchell & Cheney mean by independent selectability:
// a disentangled genome, in which each trait has its own genes, lets selection move one trait and leave the others
// alone. The matrix below holds the response of every trait (columns) to selection on each trait (rows), in units of
// the trait's initial standard deviation; a diagonal matrix means independently selectable traits. Two cautions:
// units of initial SD make a trait with little initial variance (elongation here, which the blurry phenotypes of a
// briefly trained decoder change as a side effect of almost anything) look very responsive; and strong selection in
// a population of 128 lets unselected genes drift, so off-diagonal entries of a few tenths are expected even for a
// perfectly disentangled map. The figures are the beta-VAE's; the last lines compare the cross-talk of both maps.

// ---- code ----
var selections = pretrained.ToDictionary(p => p.Key, p => SelectabilityExperiment.Run(traitsOfModel(p.Value.Run.Model), traits.TraitNames,
    p.Value.Run.Model.Encode(founders), new SelectabilityOptions { Generations = 15 }, seed: 2, selectTraits: new[] { 0, 1, 2 }));
var selection = selections["beta-VAE"];
foreach (var figure in ExperimentFigures.Selectability(selection, trait: "scale").Values) display(figure);
foreach (var (label, result) in selections)
    Console.WriteLine($"{label}: cross-talk among posX, posY and scale {result.CrossTalkGeometric:F2} (0: each trait moves alone)");

// ---- markdown ----
// ## Evolvability
//
// Evolvability is the capacity to produce heritable variation that selection can use. Two measures on the scale trait:
//
// - the **offspring-fitness distribution**: 32 parents each get 32 single mutants; fitness is Gaussian stabilising
//   selection towards a target one trait SD above the parents' mean. The share of mutants fitter than their parent is
//   the supply of beneficial mutations;
//   For parents far from the optimum on a smooth map, about half of all small mutations move the trait towards the
//   target, so a share near one half is the baseline; lower shares mean a rugged or constrained map;
// - **re-adaptation after a switch**: a population adapts to that target for 15 generations, then the target jumps to
//   one SD below the mean, and we count the generations to recover (Kashtan & Alon 2005 use switching goals the same
//   way).

// ---- code ----
var evolvability = EvolvabilityExperiment.Run(g => traitsOf(g).select(1, 2), population.narrow(0, 0, 32),
    new EvolvabilityOptions { Trait = "scale", MutantsPerParent = 32, GenerationsPerTarget = 15 }, seed: 3);
display(new { evolvability.FitterShare, evolvability.MeanFitnessChange, GenerationsToAdaptA = evolvability.GenerationsToAdaptA?.ToString() ?? "not within 15",
    GenerationsToRecover = evolvability.GenerationsToRecover?.ToString() ?? "not within 15" });
foreach (var figure in ExperimentFigures.Evolvability(evolvability).Values) display(figure);

// ---- markdown ----
// ## The same files as the command line
//
// Each result above is the record the command line writes: `ResultFile.Write` gives evolve.json, selectability.json and
// evolvability.json with the same keys as `genomic-code evolve` and `genomic-code experiment ...` (here in a temporary
// folder), and `ResultFile.Read` brings one back, figures and all.

// ---- code ----
var results = Path.Combine(Path.GetTempPath(), "genomiccode-notebook-04");
foreach (var (file, record) in new (string, object)[] { ("evolve.json", evolved), ("selectability.json", selection), ("evolvability.json", evolvability) })
    Console.WriteLine(ResultFile.Write(Path.Combine(results, file), record));
var reread = ResultFile.Read<SelectabilityResult>(Path.Combine(results, "selectability.json"));
Console.WriteLine($"read back: {reread.TraitNames.Count} traits, cross-talk {reread.CrossTalk:F2}");

// ---- markdown ----
// ## Next
//
// - `genomic-code evolve --run DIR --target INDEX --strategy NAME` evolves a genome for any sprite through a trained run's
//   decoder, with any strategy of `genomic-code list strategies`.
// - `genomic-code experiment selectability --runs A,B` compares correlated-response matrices of two runs, for example a
//   plain VAE against a beta-TCVAE (notebook 02): the more disentangled genome should give the more diagonal matrix.
// - `genomic-code experiment evolvability` and `experiment generalisation` (GRNs under alternating targets, Kouvaris et
//   al. 2017) run the longer versions of these experiments.

// ---- twin only ----
// Stands in for the notebook's inline display: figures become PNG files, tables and everything else are printed.
void display(object? value) => ConsoleDisplay.Show(value, args.Length > 0 ? args[0] : Path.Combine("notebooks", "out", "04"));
