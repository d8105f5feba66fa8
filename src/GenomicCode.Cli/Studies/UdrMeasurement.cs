using GenomicCode.Core;
using GenomicCode.Experiments;
using GenomicCode.Metrics;
using GenomicCode.Runs;
using GenomicCode.Studies;

namespace GenomicCode.Cli.Studies;

/// <summary>
/// UDR (Duan et al. 2020) over the runs of one setting, each trained with another seed: loads every run's model and
/// scores each against the others with <see cref="Udr"/>, as <c>genomic-code evaluate --udr-with</c> does for one run
/// (posterior means, 1000 observations, active latents by mean KL).
/// </summary>
internal sealed class UdrMeasurement(string? device) : ISettingMeasurement
{
    /// <inheritdoc />
    public string Name => "udr";

    /// <inheritdoc />
    public IReadOnlyList<double> Measure(IReadOnlyList<string> runFolders, long seed, CancellationToken cancellationToken)
    {
        var runs = new List<TrainedRun>();
        try
        {
            foreach (string dir in runFolders)
            {
                cancellationToken.ThrowIfCancellationRequested();
                runs.Add(TrainedRun.Load(dir, device));
            }
            var kl = runs.Select(r => r.MeanKlPerDimension(Udr.DefaultPoints, (long)Seeds.Derive(seed, 6))).ToList();
            var representations = runs.Select(r => r.Representation(false, (long)Seeds.Derive(seed, 99))).ToList();
            return Udr.Evaluate(runs[0].Data, representations, kl, seed, new UdrOptions(), device: runs[0].Device);
        }
        finally
        {
            foreach (var r in runs) r.Dispose();
        }
    }
}
