using System.Globalization;
using System.Text.Json;
using GenomicCode.Core;
using GenomicCode.Interop;
using GenomicCode.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>
/// <c>genomic-code weights export</c>: a trained run's model weights as safetensors or a PyTorch .pt state dict, with
/// PyTorch's dotted parameter names, and a table of those names and shapes.
/// </summary>
public sealed class WeightsExportCommand : Command<WeightsExportSettings>
{
    private readonly IAnsiConsole console;

    /// <summary>Creates the command writing to <paramref name="console"/>.</summary>
    public WeightsExportCommand(IAnsiConsole console) => this.console = console;

    /// <inheritdoc />
    public override int Execute(CommandContext context, WeightsExportSettings settings, CancellationToken cancellationToken)
    {
        string path = settings.Out!;
        if (File.Exists(path) && !settings.Force)
            throw new UserInputException($"'{path}' exists; pass --force to replace it, or choose another --out.");
        if (Directory.Exists(path)) throw new UserInputException($"--out '{path}' is a folder; give a file name ending in .safetensors or .pt.");
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
            throw new UserInputException($"the folder of --out '{path}' does not exist; create it first.");

        using var loaded = TrainedRun.Load(settings.Run!, settings.Device ?? "cpu");
        AtomicFile.CheckDestination(path, loaded.Model.state_dict().Values.Sum(t => t.numel() * t.element_size()) + (1 << 20), "--out");
        if (WeightFormats.IsSafeTensors(path))
        {
            // The model options travel in the header's metadata, so a reader can rebuild the same module.
            var metadata = new Dictionary<string, string>
            {
                ["format"] = "pt",
                ["genomiccode.model"] = JsonSerializer.Serialize(loaded.Header.Model, JsonSettings.Default),
                ["genomiccode.step"] = loaded.Header.Step.ToString(CultureInfo.InvariantCulture),
                ["genomiccode.version"] = NativeRuntime.LibraryVersion,
            };
            SafeTensors.Save(loaded.Model, path, metadata);
        }
        else
        {
            PyTorchWeights.Save(loaded.Model, path);
        }

        var table = new Table().AddColumn("parameter").AddColumn("shape").AddColumn(new TableColumn("values").RightAligned());
        long total = 0;
        foreach (var (name, tensor) in loaded.Model.state_dict())
        {
            total += tensor.numel();
            table.AddRow(Markup.Escape(name), "(" + string.Join(", ", tensor.shape) + ")", tensor.numel().ToString("N0", CultureInfo.InvariantCulture));
        }
        console.Write(table);
        console.MarkupLine($"wrote [bold]{Markup.Escape(path)}[/]: {total.ToString("N0", CultureInfo.InvariantCulture)} values, step {loaded.Header.Step} of {Markup.Escape(loaded.Run.Path)}");
        return 0;
    }
}
