using GenomicCode.Studies;
using GenomicCode.Runs;
using GenomicCode.Training;
using Spectre.Console;

namespace GenomicCode.Cli.Studies;

/// <summary>
/// Trains a study run through <c>genomic-code train</c> in this process: resumes from the run's checkpoint when it has
/// one, starts over when the folder holds a run that never reached its first checkpoint, and starts fresh otherwise.
/// </summary>
internal sealed class CliRunTrainer(IAnsiConsole console) : IRunTrainer
{
    /// <inheritdoc />
    public void Train(string runFolder, string presetFile, CancellationToken cancellationToken)
    {
        var args = new List<string> { "train", "--preset", presetFile, "--out", runFolder };
        if (File.Exists(Path.Combine(runFolder, RunFolder.CheckpointFile))) args.Add("--resume");
        else if (RunFolder.HoldsRun(runFolder)) args.Add("--force");
        InProcess.Run(console, args, cancellationToken);
    }
}
