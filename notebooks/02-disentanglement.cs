// File-based twin of 02-disentanglement.ipynb: the same code cells in the same order, markdown as comments. From the repo root:
//   dotnet run notebooks/02-disentanglement.cs [output folder]      (figures go to notebooks/out/02/ by default)
// TorchSharp-cpu takes its version (0.107.0) from Directory.Packages.props; PublishAot=false because TorchSharp is not
// AOT-compatible (file-based apps default to native AOT, whose analyzers would fail this warnings-as-errors build).
// Where the notebook displays something inline, display() below writes figures as PNG and prints tables.
#:project ../src/GenomicCode/GenomicCode.csproj
#:project ../src/GenomicCode.Plotting/GenomicCode.Plotting.csproj
#:package TorchSharp-cpu
#:property PublishAot=false

// ---- markdown ----
// # Disentanglement: do genes line up with traits?
//
// Mitchell & Cheney argue that evolvable genomes encode traits so that each can be changed without breaking the
// others: traits stay *independently selectable* when the genetic code is disentangled. In representation learning a
// code is called disentangled when each latent dimension responds to one generative factor and each factor is captured
// by one (or a few) dimensions, so that moving along one gene changes one trait.
//
// A plain VAE has no reason to align its genes with the world's factors: any rotation of a standard-normal latent space
// fits the data equally well. Regularisers add pressure that breaks the symmetry:
//
// - **beta-VAE** (Higgins et al. 2017) weights the KL term by beta > 1. The genome becomes a narrow channel, and the
//   cheapest way to pass information through independent Gaussian genes is to give each its own factor.
// - **beta-TCVAE** (Chen et al. 2018) splits the KL into index-code mutual information, total correlation and per-gene
//   KL, and penalises only the total correlation: the statistical dependence between genes.
//
// This notebook loads three pretrained genome VAEs that ship with GenomicCode in `models/pretrained/`: a plain VAE, a
// beta-VAE and a beta-TCVAE, trained on the sprites world with the same network, data stream and budget (each card
// says the command, seed, steps and time), and asks of each genome where the factor information sits. Every score
// below comes with the spread over three training seeds, because scores differ more between seeds than between many
// regularisers (Locatello et al. 2019). Under a minute on 2 CPU cores: nothing is trained here.

// ---- code ----
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Experiments;
using GenomicCode.Metrics;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using TorchSharp;

ThreadPolicy.PreferPassiveWaiting();
NativeRuntime.ConfigureMalloc();
var names = new Dictionary<string, string> { ["VAE"] = "sprites-vae", ["beta-VAE"] = "sprites-beta-vae", ["beta-TCVAE"] = "sprites-beta-tcvae" };
var runs = names.ToDictionary(n => n.Key, n => PretrainedModels.Load(n.Value, "cpu"));
var cards = names.ToDictionary(n => n.Key, n => PretrainedModels.Card(n.Value));
foreach (var (label, card) in cards)
    Console.WriteLine($"{label} ({card.Name}): {card.Steps:N0} steps, seed {card.Seed}, {card.TrainingSeconds / 60:F0} min of training. {card.Description}");
var world = runs["VAE"].Data;
var device = runs["VAE"].Device;

// ---- markdown ----
// ## How many genes does each model use?
//
// The KL of a gene's posterior to the prior, averaged over 1,000 sprites, measures how much it carries. Stronger
// pressure on the KL switches genes off: the sprites world has only five factors to encode, and a model that squeezes
// its genome keeps fewer genes open than the plain VAE.

// ---- code ----
var sprites = world.Render(world.SampleFactors(1000, seed: 1), device);
var klPerGene = runs.ToDictionary(r => r.Key, r =>
{
    using var scope = torch.NewDisposeScope();
    var kl = r.Value.Model.KlPerDimension(sprites).mean(new long[] { 0 }).cpu().data<float>().ToArray();
    return (IReadOnlyDictionary<string, double>)kl.Select((v, j) => (v, j)).ToDictionary(p => $"z{p.j}", p => (double)p.v);
});
display(AnalysisFigures.DrawMetricBars("KL of each genome dimension to the prior (1,000 sprites)", klPerGene, yLabel: "KL (nats)"));

// ---- markdown ----
// ## What each gene does: traversals side by side
//
// A traversal keeps one sprite's genome fixed and sweeps a single gene from -2 to +2. In a disentangled genome each
// open gene changes one factor only (only the x position, only the size); in an entangled one a gene moves the sprite
// and resizes it at once. Closed genes (KL near 0) change nothing.

// ---- code ----
var sweep = LatentTraversal.Linspace(-2, 2, 9);
foreach (string label in new[] { "VAE", "beta-VAE" })
{
    var model = runs[label].Model;
    var tiles = LatentTraversal.Traverse(model, world, sweep, seed: 3, device);
    display(Figures.DrawImageGrid(new ImageGrid(model.LatentSize, sweep.Length, 64, 64, tiles,
            klPerGene[label].Select(kv => $"{kv.Key} (KL {kv.Value:F2})").ToArray(), sweep.Select(v => v.ToString("+0.0;-0.0;0")).ToArray()),
        $"{label}: one gene at a time, from -2 to +2"));
}

// ---- markdown ----
// ## Scoring the genomes
//
// The scores below are those `genomic-code evaluate` measured on each shipped model with disentanglement_lib's sample
// sizes (10,000 training and 5,000 held-out sprites), read from its card; the second table gives, per setting, the mean
// and 95% interval over the three training seeds. They answer different questions:
//
// - **MIG**, the mutual information gap (Chen et al. 2018): for each factor, the information the best gene holds about it
//   minus that of the runner-up, over the factor's entropy. High when exactly one gene stands for each factor.
// - **DCI** (Eastwood & Williams 2018): boosted trees predict each factor from the genes; their feature importances give
//   *disentanglement* (does each gene matter for one factor only?), *completeness* (is each factor carried by one gene?)
//   and *informativeness* (prediction accuracy on held-out data).
// - **SAP** (Kumar et al. 2018): for each factor, how much better the best single gene predicts it than the second best.
// - **FactorVAE score** (Kim & Mnih 2018): how often the gene of least variance, in batches where one factor is held
//   fixed, names that factor.

// ---- code ----
var columns = new[] { "mig", "dci_disentanglement", "dci_completeness", "dci_informativeness", "sap", "factor_vae_score" };
display(new ScoreTable(cards.ToDictionary(c => c.Key, c => c.Value.Metrics), columns: columns));
foreach (string metric in columns)
    Console.WriteLine($"{metric,-26}" + string.Join("   ", cards.Select(c =>
        $"{c.Key} {(c.Value.SettingMetrics.TryGetValue(metric, out var m) ? m.Format() : "-")}")));
display(AnalysisFigures.DrawMetricBars("Disentanglement scores of the shipped models",
    cards.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, double>)columns.Where(c.Value.Metrics.ContainsKey).ToDictionary(k => k, k => c.Value.Metrics[k]))));

// ---- markdown ----
// ## Where the information sits
//
// The mutual information between each gene (discretised into 20 bins, as MIG does) and each factor shows the genetic
// architecture directly. A disentangled genome has one bright cell per factor column and dark cells elsewhere; an
// entangled one spreads position or scale over several genes. The factors that change many pixels (position, then
// scale) are learned first; shape and orientation are hard for every model. Estimated from 2,000 samples, mutual
// information is biased upwards for factors with many values (orientation has 40), so even an uninformative gene shows
// a few tenths of a nat there: compare cells within a column.

// ---- code ----
foreach (var (label, run) in runs)
{
    var sample = CodeSampler.Sample(world, run.Model.Encode, 2000, seed: 1, device);
    display(AnalysisFigures.DrawHeatmap($"Mutual information between genes and factors (nats): {label}",
        InformationTheory.MutualInformationMatrix(InformationTheory.Discretize(sample.Codes, new MigOptions().Bins), sample.Factors),
        Enumerable.Range(0, run.Model.LatentSize).Select(j => $"z{j}").ToArray(), world.FactorNames, "nats"));
}

// ---- markdown ----
// ## Next
//
// - The same comparison from the command line: `genomic-code evaluate --run models/pretrained/sprites-beta-vae`
//   writes every metric and these figures; `genomic-code score` scores codes produced by any other framework.
// - To train your own, `docs/disentanglement-search.md` gives the commands and what each setting measured.
// - Notebook 04 asks the evolutionary version of the question: if we select on one trait, do the others follow?

// ---- twin only ----
// Stands in for the notebook's inline display: figures become PNG files, tables and everything else are printed.
void display(object? value) => ConsoleDisplay.Show(value, args.Length > 0 ? args[0] : Path.Combine("notebooks", "out", "02"));
