using GenomicCode.Interop;
using GenomicCode.Runs;
using GenomicCode.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code weights import</c>: weights from safetensors or a PyTorch .pt state dict into the model of a run,
/// written as a new run folder (config + checkpoint) that every other verb reads. All-or-nothing: any missing,
/// unexpected or mis-shaped tensor is listed and nothing is written.
/// </summary>
public sealed class WeightsImportCommand : Command<WeightsImportSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public WeightsImportCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, WeightsImportSettings settings, CancellationToken cancellationToken)
    {
        using var loaded = TrainedRun.Load(settings.Run!, settings.Device ?? "cpu");
        // Loading first: a file that does not fit changes nothing on disk.
        if (WeightFormats.IsSafeTensors(settings.Weights!)) SafeTensors.Load(loaded.Model, settings.Weights!);
        else PyTorchWeights.Load(loaded.Model, settings.Weights!);

        var target = RunFolder.Create(settings.Out!, resume: false, force: settings.Force);
        target.WriteJson(RunFolder.ConfigFile, loaded.Preset);
        Checkpoint.Save(target.File(RunFolder.CheckpointFile), loaded.Model, optimizer: null, loaded.Header.Step, loaded.Header.Seed, loaded.Header.Preset);
        console.MarkupLine($"imported [bold]{Markup.Escape(settings.Weights!)}[/] into the model of {Markup.Escape(loaded.Run.Path)}; " +
                           $"new run folder [bold]{Markup.Escape(target.Path)}[/] (config.json, checkpoint.bin)");
        return 0;
    }
}
