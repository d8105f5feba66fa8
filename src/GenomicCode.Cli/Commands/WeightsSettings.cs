using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli.Commands;

/// <summary>Settings of <c>genomic-code weights export</c>.</summary>
public sealed class WeightsExportSettings : RunSettings
{
    /// <summary>File to write.</summary>
    [CommandOption("-o|--out <FILE>")]
    [Description("File to write: FILE.safetensors or FILE.pt (PyTorch state dict); the extension picks the format.")]
    public string? Out { get; init; }

    /// <summary>Replace an existing file.</summary>
    [CommandOption("--force")]
    [Description("Replace --out if it exists.")]
    public bool Force { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful) return baseResult;
        if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out <FILE> is required: FILE.safetensors or FILE.pt.");
        return WeightFormats.Check(Out, "--out");
    }
}

/// <summary>Settings of <c>genomic-code weights import</c>.</summary>
public sealed class WeightsImportSettings : RunSettings
{
    /// <summary>Weights to read.</summary>
    [CommandOption("-w|--weights <FILE>")]
    [Description("Weights to import: FILE.safetensors or FILE.pt, with the parameter names and shapes of the run's model.")]
    public string? Weights { get; init; }

    /// <summary>New run folder.</summary>
    [CommandOption("-o|--out <DIR>")]
    [Description("New run folder: the run's config plus a checkpoint holding the imported weights (the --run folder is never changed).")]
    public string? Out { get; init; }

    /// <summary>Replace a run in --out.</summary>
    [CommandOption("--force")]
    [Description("Replace a run already in --out.")]
    public bool Force { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful) return baseResult;
        if (string.IsNullOrWhiteSpace(Weights)) return ValidationResult.Error("--weights <FILE> is required: FILE.safetensors or FILE.pt.");
        if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out <DIR> is required: a new run folder for the imported model.");
        if (Path.GetFullPath(Out).TrimEnd('/') == Path.GetFullPath(Run!).TrimEnd('/'))
            return ValidationResult.Error("--out must differ from --run: importing never overwrites the run it starts from.");
        return WeightFormats.Check(Weights, "--weights");
    }
}

/// <summary>The two weight-file formats, told apart by extension.</summary>
internal static class WeightFormats
{
    /// <summary>Whether <paramref name="path"/> names a safetensors file (otherwise a PyTorch .pt file).</summary>
    public static bool IsSafeTensors(string path) => path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <summary>A usage error unless the extension is .safetensors or .pt.</summary>
    public static ValidationResult Check(string path, string option) =>
        IsSafeTensors(path) || path.EndsWith(".pt", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pth", StringComparison.OrdinalIgnoreCase)
            ? ValidationResult.Success()
            : ValidationResult.Error($"{option} '{path}' must end in .safetensors or .pt (.pth): the extension picks the format.");
}
