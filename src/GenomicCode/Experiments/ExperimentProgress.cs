namespace GenomicCode.Experiments;

/// <summary>Where a running experiment is: <paramref name="Step"/> of <paramref name="Total"/> units of work, and what it is doing.</summary>
/// <param name="Step">Units done (generations, steps, replicates: each experiment says which), 0..Total.</param>
/// <param name="Total">Units in all.</param>
/// <param name="Message">One line on what was just done (for a progress bar or a log).</param>
public sealed record ExperimentProgress(long Step, long Total, string Message);

/// <summary>
/// An <see cref="IProgress{T}"/> that calls <paramref name="report"/> at once, on the experiment's thread (unlike
/// <see cref="Progress{T}"/>, which posts to a synchronisation context and may run reports late or out of order).
/// </summary>
/// <param name="report">What to do with each report.</param>
public sealed class ProgressCallback(Action<ExperimentProgress> report) : IProgress<ExperimentProgress>
{
    /// <inheritdoc />
    public void Report(ExperimentProgress value) => report(value);
}

/// <summary>Counts units of work and reports every <c>every</c>-th one (and the last) to an optional progress sink.</summary>
internal sealed class StepCounter(IProgress<ExperimentProgress>? progress, long total)
{
    /// <summary>Units done so far.</summary>
    public long Step { get; private set; }

    /// <summary>Units in all.</summary>
    public long Total => total;

    /// <summary>Counts one unit; reports it when the count is a multiple of <paramref name="every"/> or the last one.</summary>
    public void Advance(string message, long every = 1) => Advance(() => message, every);

    /// <summary>As <see cref="Advance(string, long)"/>, making the message only when it is reported.</summary>
    public void Advance(Func<string> message, long every = 1)
    {
        Step++;
        if (progress is not null && (Step % every == 0 || Step == total)) progress.Report(new ExperimentProgress(Step, total, message()));
    }

    /// <summary>Sets the count to <paramref name="step"/> and reports it.</summary>
    public void Report(long step, string message)
    {
        Step = step;
        progress?.Report(new ExperimentProgress(step, total, message));
    }
}
