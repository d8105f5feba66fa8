// File-based twin of 05-dna.ipynb: the same code cells in the same order, markdown as comments. From the repo root:
//   dotnet run notebooks/05-dna.cs [output folder]      (figures go to notebooks/out/05/ by default)
// TorchSharp-cpu takes its version (0.107.0) from Directory.Packages.props; PublishAot=false because TorchSharp is not
// AOT-compatible (file-based apps default to native AOT, whose analyzers would fail this warnings-as-errors build).
// Where the notebook displays something inline, display() below writes figures as PNG and prints tables.
#:project ../src/GenomicCode/GenomicCode.csproj
#:project ../src/GenomicCode.Plotting/GenomicCode.Plotting.csproj
#:package TorchSharp-cpu
#:property PublishAot=false

// ---- markdown ----
// # DNA: a genome you can read, grow and mutate
//
// In notebooks 01-04 the genome is a point in a small continuous space. Mitchell & Cheney's proposition goes further:
// the latent variables are DNA sequences. Genes carry the motifs of transcription factors and the cis-regulatory sites
// those factors bind; the binding affinities form a connectionist network, the gene-regulatory network, and development
// decodes it into an organism. GenomicCode builds that pipeline end to end:
//
// - the genome is a sequence over A, C, G, T (the `nucleotide` latent: per-locus base probabilities, a uniform prior,
//   Gumbel-softmax samples while training);
// - `SequenceAffinity` scores every factor's motif against every cis region on both strands with position weight
//   matrices (log-odds, Stormo 2000) and turns the binding energy into occupancy (a thermodynamic model, Bintu et al.
//   2005); occupancies set the regulatory matrix W of the network;
// - the GRN decoder grows the organism from one cell on a 16x16 grid, every cell running the same network.
//
// This notebook loads the pretrained `sprites-dna-grn` model (`models/pretrained/`), reads genomes as text, grows the
// organisms they encode, and follows a single point mutation through W to the phenotype.

// ---- code ----
using System.IO;
using GenomicCode.Analysis;
using GenomicCode.Core;
using GenomicCode.Data;
using GenomicCode.Development;
using GenomicCode.Experiments;
using GenomicCode.Latent;
using GenomicCode.Models;
using GenomicCode.Numerics;
using GenomicCode.Plotting;
using GenomicCode.Runs;
using TorchSharp;
using static TorchSharp.torch;

ThreadPolicy.PreferPassiveWaiting();
NativeRuntime.ConfigureMalloc();
var device = Devices.Parse("auto");
var world = new SpritesWorld();

// ---- markdown ----
// ## A genome VAE whose genome is DNA
//
// The `sprites-dna-grn` preset lays out a 225-base genome: 12 genes, each a 5-base transcription-factor motif followed
// by a 10-base cis-regulatory region, then 9 motifs of signal-responsive factors (one for each of the 3 signals, the
// neighbour mean and the x / y gradients, of each of the 3 secreted morphogens). The encoder proposes base
// probabilities for every locus; training samples relaxed one-hot sequences, so that gradients flow from the pixels
// back to the bases. The pretrained model trained for 2,000 steps (`genomic-code train --preset sprites-dna-grn`); it
// learned where to grow and, coarsely, how big.

// ---- code ----
var pretrained = PretrainedModels.Load("sprites-dna-grn", "auto");
var card = PretrainedModels.Card("sprites-dna-grn");
Console.WriteLine($"{card.Name}: {card.Steps:N0} steps, seed {card.Seed}, {card.TrainingSeconds / 60:F0} min of training");
var model = pretrained.Model;
var latent = DnaGenomes.Latent(model);
var grn = (GrnDecoder)model.Decoder;
var layout = grn.Layout!;
Console.WriteLine($"genome layout: {layout}");

// ---- markdown ----
// ## A genome as text
//
// The encoder's most probable genome for each of four sprites, written as FASTA: the format `genomic-code train`
// writes to a nucleotide run's `genome.fa`, and `genomic-code genome develop --fasta` grows organisms from, after a
// person has edited it by hand.

// ---- code ----
var sprites = world.Render(world.SampleFactors(4, seed: 3), device);
var genomes = DnaGenomes.MostProbable(model, sprites);                     // (4, 225) base indices
var fasta = new StringWriter();
NucleotideFasta.Write(fasta, genomes, new[] { "sprite1", "sprite2", "sprite3", "sprite4" });
Console.Write(fasta.ToString());

// ---- markdown ----
// ## The organisms they grow
//
// Development reads the sequence and nothing else: the sequence sets W and the basal biases, and the network unfolds
// from one zygote. Reading the FASTA text back and growing it gives the same organisms as growing the encoder's
// genomes directly.

// ---- code ----
var reread = NucleotideFasta.ToIndices(NucleotideFasta.Read(new StringReader(fasta.ToString()), "the FASTA above"), layout);
Tensor Grow(Tensor indices)
{
    using var noGrad = torch.no_grad();
    return model.Develop(latent.FromIndices(indices.to(device))).cpu();
}
var grown = Grow(reread);
display(Figures.DrawImageGrid(new ImageGrid(2, 4, 64, 64, sprites.cpu().data<float>().Concat(grown.data<float>()).ToArray(),
    new[] { "sprite", "grown from DNA" }, new[] { "sprite1", "sprite2", "sprite3", "sprite4" }), "Four sprites and the organisms their genomes grow"));

// ---- markdown ----
// ## Every point mutation of one genome
//
// A genome of L bases has 3 L single point mutants: each locus can take each of its three other bases. We develop all
// 675 mutants of sprite1's genome in one batch and measure, for each, how much the regulatory matrix W moves (the mean
// absolute change of its entries) and how much the organism moves (the mean absolute change of its pixels).

// ---- code ----
var parent = genomes.narrow(0, 0, 1).cpu();
var mutants = LocusArchitecture.PointMutants(parent);                      // (675, 225): locus l, base + s at row 3 l + s - 1
(Tensor W, Tensor Phenotype) Regulate(Tensor indices)
{
    using var noGrad = torch.no_grad();
    var genome = latent.FromIndices(indices.to(device));
    return (grn.Regulation(genome).Weights.cpu(), model.Develop(genome).cpu());
}
var (w0, p0) = Regulate(parent);
var (wm, pm) = Regulate(mutants);
var wChange = (wm - w0).abs().mean(new long[] { 1, 2 }).data<float>().ToArray();
var pChange = (pm - p0).abs().mean(new long[] { 1, 2, 3 }).data<float>().ToArray();
var names = LocusArchitecture.LocusNames(latent.Loci, layout);
display(new[] { ("motif", true), ("cis", false) }.Select(kind => new
{
    Part = kind.Item1,
    Mutants = Enumerable.Range(0, wChange.Length).Count(i => names[i / 3].Contains(" motif ") == kind.Item2),
    MeanWChange = Enumerable.Range(0, wChange.Length).Where(i => names[i / 3].Contains(" motif ") == kind.Item2).Average(i => wChange[i]),
    MeanPhenotypeChange = Enumerable.Range(0, pChange.Length).Where(i => names[i / 3].Contains(" motif ") == kind.Item2).Average(i => pChange[i]),
}));

// ---- markdown ----
// ## One mutation, a distributed effect on W
//
// Take the motif mutation that moves the organism most: a base in the motif of a gene's transcription factor, or of a
// signal-responsive factor (`s0` responds to the first morphogen's level around the cell, the regulator `g0 mean`). A
// motif base is part of one factor's position weight matrix, and that matrix is scored against every cis region: one
// base changes how strongly the factor binds at every gene, so the column of W for that regulator moves, and the genes
// downstream of it follow through the network's dynamics. No single gene "codes for" the change in the organism.

// ---- code ----
int Strongest(bool motif) => Enumerable.Range(0, pChange.Length).Where(i => names[i / 3].Contains(" motif ") == motif).MaxBy(i => pChange[i]);
string Describe(int row) => $"{names[row / 3]} (position {row / 3 + 1}): {"ACGT"[(int)parent[0, row / 3].item<long>()]} -> {"ACGT"[(int)mutants[row, row / 3].item<long>()]}";
double[,] ToMatrix(Tensor w) { var m = new double[w.shape[0], w.shape[1]]; for (int i = 0; i < w.shape[0]; i++) for (int j = 0; j < w.shape[1]; j++) m[i, j] = w[i, j].item<float>(); return m; }
var genes = Enumerable.Range(0, grn.Genes).Select(g => $"g{g}").ToArray();
int motifMutant = Strongest(motif: true);
Console.WriteLine($"mutation {Describe(motifMutant)}");
display(GenomeFigures.DrawRegulation("W of sprite1's genome", ToMatrix(w0[0]), genes, grn.RegulatorNames.ToArray()));
display(GenomeFigures.DrawRegulation($"W after {names[motifMutant / 3]} mutates", ToMatrix(wm[motifMutant]), genes, grn.RegulatorNames.ToArray()));
display(GenomeFigures.DrawRegulation($"Change in W: {Describe(motifMutant)}", ToMatrix(wm[motifMutant] - w0[0]), genes, grn.RegulatorNames.ToArray()));

// ---- markdown ----
// ## ... and on the phenotype
//
// The parent's organism, the mutant's, and where they differ (the absolute change of each pixel, scaled so that the
// largest change is white).

// ---- code ----
float[] Difference(Tensor a, Tensor b) { var d = (a - b).abs(); var max = Math.Max(d.max().item<float>(), 1e-6f); return d.Div(max).data<float>().ToArray(); }
display(Figures.DrawImageGrid(new ImageGrid(1, 3, 64, 64, p0[0].data<float>().Concat(pm[motifMutant].data<float>()).Concat(Difference(pm[motifMutant], p0[0])).ToArray(),
    null, new[] { "parent", "mutant", "|difference|" }), $"Phenotype: {Describe(motifMutant)}"));

// ---- markdown ----
// ## A mutation in a cis-regulatory region
//
// A cis base belongs to one gene's binding sites: it changes how every factor binds that one gene, so the change in W
// sits in that gene's row instead. The strongest cis mutation of sprite1's genome:

// ---- code ----
int cisMutant = Strongest(motif: false);
display(GenomeFigures.DrawRegulation($"Change in W: {Describe(cisMutant)}", ToMatrix(wm[cisMutant] - w0[0]), genes, grn.RegulatorNames.ToArray()));
display(Figures.DrawImageGrid(new ImageGrid(1, 3, 64, 64, p0[0].data<float>().Concat(pm[cisMutant].data<float>()).Concat(Difference(pm[cisMutant], p0[0])).ToArray(),
    null, new[] { "parent", "mutant", "|difference|" }), $"Phenotype: {Describe(cisMutant)}"));

// ---- markdown ----
// ## Every locus against every trait
//
// `LocusArchitecture` is what `genomic-code analyze` runs on a nucleotide run: the effect of every point mutation on
// each of the five sprite traits (centroid, scale, orientation, elongation; Hu 1962 image moments), here for the four
// genomes above, as the mean absolute change of the trait. The Manhattan-style plot puts the loci in genome order, a
// dotted line where each gene begins. The paper's expectation is a polygenic architecture: many loci of small effect,
// few of large.

// ---- code ----
var traits = new SpritesTraits();
var effects = LocusArchitecture.Effects(indices => Grow(indices), traits, genomes.cpu());   // (225, 5)
var rows = Enumerable.Range(0, latent.Loci).Select(l => (IReadOnlyList<double>)Enumerable.Range(0, traits.TraitNames.Count).Select(t => effects[l, t]).ToArray()).ToList();
double largest = rows.Max(r => r.Max());
display(GenomeFigures.DrawLoci("Effect of a point mutation at each locus", rows, traits.TraitNames.ToArray(), 0.1 * largest,
    Enumerable.Range(0, layout.Genes + 1).Select(g => g * layout.GeneLength).ToArray(), "mean |trait change| of a point mutation"));
display(traits.TraitNames.Select((name, t) => new { Trait = name, LociAboveTenPercent = rows.Count(r => r[t] > 0.1 * largest), LargestEffect = rows.Max(r => r[t]) }));

// ---- markdown ----
// ## Next
//
// - `genomic-code genome develop --run models/pretrained/sprites-dna-grn --fasta models/pretrained/sprites-dna-grn/genome.fa
//   --out grown.png` grows any FASTA you edit; `genomic-code train --preset sprites-dna-grn --out runs/dna` trains the
//   model again and writes `genome.fa` and `regulation.png`.
// - `genomic-code evolve --run models/pretrained/sprites-dna-grn --target 7 --json runs/dna-evolve/evolve.json` evolves
//   DNA by point substitutions (`--substitutions` sets how many per genome and generation) towards a target organism
//   and compares it with the encoder's most probable genome.
// - `genomic-code analyze --run runs/dna` measures pleiotropy per locus, polygenicity per trait and epistasis among the
//   strongest loci (`analysis.json`, `loci.png`).
// - `genomic-code experiment rate-distortion` trains a series of genome lengths and plots genome information in bits
//   against reconstruction error; `genomic-code experiment generalisation --genome nucleotide` evolves a regulatory
//   network encoded by DNA under alternating targets (Kouvaris et al. 2017).

// ---- twin only ----
// Stands in for the notebook's inline display: figures become PNG files, tables and everything else are printed.
void display(object? value) => ConsoleDisplay.Show(value, args.Length > 0 ? args[0] : Path.Combine("notebooks", "out", "05"));
