using GenomicCode.Core;
using GenomicCode.Runs;

namespace GenomicCode.Experiments;

/// <summary>Opens the run folders an experiment's options name, with one-line errors for what is missing.</summary>
public static class RunInput
{
    /// <summary>
    /// Loads the run folder <paramref name="run"/> (see <see cref="TrainedRun.Load"/>) on <paramref name="device"/> (null:
    /// the run's own device setting); a missing path is a one-line error naming the option.
    /// </summary>
    public static TrainedRun Load(string? run, string? device) =>
        string.IsNullOrWhiteSpace(run)
            ? throw new UserInputException("Run is required: the path of a run folder written by `genomic-code train`.")
            : TrainedRun.Load(run, device);

    /// <summary>Checks that every folder in <paramref name="runs"/> is a run folder, before any work starts.</summary>
    public static void CheckAll(IEnumerable<string> runs)
    {
        foreach (string dir in runs) RunFolder.OpenExisting(dir);
    }
}
