using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Latent;
using GenomicCode.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code genome affinity</c>.</summary>
public sealed class GenomeAffinitySettings : CommandSettings
{
    /// <summary>FASTA file of nucleotide genomes.</summary>
    [CommandArgument(0, "<FASTA>")]
    [Description("FASTA file of nucleotide genomes (A, C, G, T; N marks an unknown base, sampled with Gumbel-softmax).")]
    public string Fasta { get; init; } = "";

    /// <summary>Genes per genome.</summary>
    [CommandOption("--genes <G>")]
    [Description("Genes per genome. Default 8.")]
    public int Genes { get; init; } = 8;

    /// <summary>Motif length.</summary>
    [CommandOption("--motif <M>")]
    [Description("Transcription-factor motif length per gene. Default 6.")]
    public int Motif { get; init; } = 6;

    /// <summary>Cis-region length.</summary>
    [CommandOption("--cis <C>")]
    [Description("Cis-regulatory region length per gene. Default 24.")]
    public int Cis { get; init; } = 24;

    /// <summary>Gumbel-softmax temperature for unknown bases.</summary>
    [CommandOption("--temperature <T>")]
    [Description("Gumbel-softmax temperature (> 0) for relaxed samples of unknown (N) bases. Default 0.5.")]
    public double Temperature { get; init; } = 0.5;

    /// <summary>Relaxed samples per genome.</summary>
    [CommandOption("--samples <S>")]
    [Description("Relaxed samples per genome (mean and spread of W over them). Default 32.")]
    public int Samples { get; init; } = 32;

    /// <summary>Seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed of the Gumbel noise. Default 0.")]
    public long Seed { get; init; }

    /// <summary>Optional JSON output.</summary>
    [CommandOption("-o|--out <FILE>")]
    [Description("Write W (mean and standard deviation over samples) and b per genome to this JSON file.")]
    public string? Out { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (!(Temperature > 0) || double.IsInfinity(Temperature)) return ValidationResult.Error($"--temperature (the Gumbel temperature) must be a finite number > 0, got {Temperature}.");
        if (Samples is < 1 or > 100_000) return ValidationResult.Error($"--samples must be in [1, 100000], got {Samples}.");
        return ValidationResult.Success();
    }
}

/// <summary>
/// <c>genomic-code genome affinity</c>: reads nucleotide genomes from FASTA and prints the regulatory matrix W(g) and the
/// biases b(g) that the sequence-to-affinity layer (default parameters) reads from them.
/// </summary>
public sealed class GenomeAffinityCommand : Command<GenomeAffinitySettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public GenomeAffinityCommand(IAnsiConsole console) => this.console = console;

    /// <summary>What is written with --out, per genome.</summary>
    public sealed record GenomeAffinity(string Name, float[][] Weights, float[][] WeightsStd, float[] Biases);

    /// <inheritdoc />
    public override int Execute(CommandContext context, GenomeAffinitySettings settings, CancellationToken cancellationToken)
    {
        if (settings.Out is not null) AtomicFile.CheckDestination(settings.Out, option: "--out");
        var layout = new NucleotideLayout { Genes = settings.Genes, MotifLength = settings.Motif, CisLength = settings.Cis }.Validate();
        var records = NucleotideFasta.ReadFile(settings.Fasta, allowUnknown: true);
        NativeRuntime.EnsureLoaded();
        var logits = NucleotideFasta.ToPosteriorLogits(records, layout, confidence: 30, source: settings.Fasta); // (B, L, 4)
        using var layer = new SequenceAffinity(layout);
        using var generator = new torch.Generator((ulong)settings.Seed);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        long b = logits.shape[0], s = settings.Samples;
        var relaxed = NucleotideGenome.GumbelSoftmax(logits.unsqueeze(1).expand(b, s, layout.Length, 4).reshape(b * s, layout.Length, 4),
            settings.Temperature, generator);                                                  // (B S, L, 4)
        var regulation = layer.forward(relaxed);
        var w = regulation.Weights.view(b, s, layout.Genes, layout.Genes);                       // (B, S, G, G)
        var wMean = w.mean(new long[] { 1 });
        var wStd = s > 1 ? w.std(1) : torch.zeros_like(wMean);
        var bias = regulation.Biases.view(b, s, layout.Genes).mean(new long[] { 1 });           // (B, G)
        var results = new List<GenomeAffinity>();
        for (long i = 0; i < b; i++)
        {
            float[][] Rows(torch.Tensor t) => Enumerable.Range(0, layout.Genes).Select(r => t[i, (long)r].data<float>().ToArray()).ToArray();
            results.Add(new GenomeAffinity(records[(int)i].Name, Rows(wMean), Rows(wStd), bias[i].data<float>().ToArray()));
        }
        console.MarkupLine($"{records.Count} genome(s), layout {Markup.Escape(layout.ToString())}; W[[target, regulator]] (mean over {s} relaxed samples at temperature {settings.Temperature.ToString(CultureInfo.InvariantCulture)})");
        foreach (var r in results)
        {
            var table = new Table().Title(Markup.Escape(r.Name)).Border(TableBorder.Rounded).AddColumn("target");
            for (int f = 0; f < layout.Genes; f++) table.AddColumn($"g{f}");
            table.AddColumn("b");
            for (int h = 0; h < layout.Genes; h++)
                table.AddRow(new[] { $"g{h}" }.Concat(r.Weights[h].Select(v => v.ToString("F2", CultureInfo.InvariantCulture)))
                    .Append(r.Biases[h].ToString("F2", CultureInfo.InvariantCulture)).ToArray());
            console.Write(table);
        }
        if (settings.Out is not null)
        {
            AtomicFile.WriteAllText(settings.Out, JsonSerializer.Serialize(results, JsonSettings.Default));
            console.MarkupLine($"wrote {Markup.Escape(settings.Out)}");
        }
        return 0;
    }
}
