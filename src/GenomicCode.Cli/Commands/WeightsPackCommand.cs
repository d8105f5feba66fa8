using System.ComponentModel;
using System.Globalization;
using GenomicCode.Experiments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code weights pack</c>.</summary>
public sealed class WeightsPackSettings : RunSettings
{
    /// <summary>New pretrained model folder.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("New pretrained model folder (for example models/pretrained/NAME): model.safetensors, config.json, evaluation.json, card.json, README.md, figures.")]
    public string? Out { get; init; }

    /// <summary>Name on the card.</summary>
    [CommandOption("--name <NAME>")]
    [Description("Name on the card. Default: the --out folder's name.")]
    public string? Name { get; init; }

    /// <summary>Description on the card.</summary>
    [CommandOption("--description <TEXT>")]
    [Description("One paragraph on the card: what the model is and what it shows.")]
    public string? ModelDescription { get; init; }

    /// <summary>The training command.</summary>
    [CommandOption("--command <TEXT>")]
    [Description("The command that trained the run. Default: a train command rebuilt from its config and seed.")]
    public string? TrainingCommand { get; init; }

    /// <summary>Training conditions.</summary>
    [CommandOption("--conditions <TEXT>")]
    [Description("Where the run was trained (machine, threads, load), for the card.")]
    public string? Conditions { get; init; }

    /// <summary>Arguments of evaluate.</summary>
    [CommandOption("--evaluation-arguments <TEXT>")]
    [Description("Arguments of `genomic-code evaluate` that reproduce the scores, for the card (for example \"--metrics mig,dci\").")]
    public string? EvaluationArguments { get; init; }

    /// <summary>Runs of the same setting with other seeds.</summary>
    [CommandOption("--replicates <DIRS>")]
    [Description("Comma-separated evaluated run folders of the same setting with other seeds: the card gives each score's mean and 95% interval over them and this run.")]
    public string? Replicates { get; init; }

    /// <summary>Replace an existing folder.</summary>
    [CommandOption("--force")]
    [Description("Replace --out if it exists.")]
    public bool Force { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful) return baseResult;
        if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out <DIR> is required: the new pretrained model folder.");
        if (string.IsNullOrWhiteSpace(ModelDescription)) return ValidationResult.Error("--description <TEXT> is required: a model card says what the model is.");
        return ValidationResult.Success();
    }
}

/// <summary>
/// <c>genomic-code weights pack</c>: a trained, evaluated run as a pretrained model folder (weights as safetensors,
/// config, scores and a model card with the interval of its setting over seeds) that every <c>--run</c> verb reads.
/// </summary>
public sealed class WeightsPackCommand : Command<WeightsPackSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public WeightsPackCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, WeightsPackSettings settings, CancellationToken cancellationToken)
    {
        string name = settings.Name ?? Path.GetFileName(Path.GetFullPath(settings.Out!).TrimEnd(Path.DirectorySeparatorChar));
        var replicates = (settings.Replicates ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var card = PretrainedModel.Pack(settings.Run!, settings.Out!,
            new PretrainedCardText(name, settings.ModelDescription!, settings.TrainingCommand, settings.Conditions, settings.EvaluationArguments),
            replicates, settings.Force);
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn($"seed {card.Seed}").RightAligned())
            .AddColumn(new TableColumn(Markup.Escape($"mean [95% interval], {card.SettingSeeds.Count} seed{(card.SettingSeeds.Count == 1 ? "" : "s")}")).RightAligned());
        foreach (var (metric, value) in card.Metrics)
            table.AddRow(Markup.Escape(metric), value.ToString("F3", CultureInfo.InvariantCulture),
                card.SettingMetrics.TryGetValue(metric, out var m) ? Markup.Escape(m.Format()) : "-");
        console.Write(table);
        long bytes = Directory.EnumerateFiles(settings.Out!).Sum(f => new FileInfo(f).Length);
        console.MarkupLine($"wrote [bold]{Markup.Escape(settings.Out!)}[/] ({(bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture)} MiB): " +
                           $"{card.Steps.ToString("N0", CultureInfo.InvariantCulture)} steps, seed {card.Seed}");
        return 0;
    }
}
