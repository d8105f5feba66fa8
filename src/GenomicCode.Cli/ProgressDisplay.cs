using GenomicCode.Experiments;
using Spectre.Console;

namespace GenomicCode.Cli;

/// <summary>Progress of long work: a live bar in a terminal, a plain line every 5% in logs and CI.</summary>
internal static class ProgressDisplay
{
    /// <summary>
    /// Runs <paramref name="work"/>, which calls the reporter it is given after each unit with its position (start..total)
    /// and a one-line description (step, loss, rate, ETA, ...).
    /// </summary>
    internal static void Run(IAnsiConsole console, long total, long start, Action<Action<long, string>> work)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            long every = Math.Max(1, (total - start) / 20);
            work((position, line) =>
            {
                if (position % every == 0 || position == total) console.WriteLine(line);
            });
            return;
        }
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("starting", maxValue: total);
                task.Value = start;
                work((position, line) =>
                {
                    task.Value = position;
                    task.Description = Markup.Escape(line);
                });
            });
    }

    /// <summary>
    /// Runs an experiment that reports <see cref="ExperimentProgress"/>: a live bar in a terminal; in logs and CI a line
    /// whenever another 5% of its total is done (and at the end).
    /// </summary>
    internal static T Run<T>(IAnsiConsole console, Func<IProgress<ExperimentProgress>, T> experiment)
    {
        T result = default!;
        if (!console.Profile.Capabilities.Interactive)
        {
            long printed = -1;
            result = experiment(new ProgressCallback(p =>
            {
                long twentieth = p.Total > 0 ? 20 * p.Step / p.Total : 0;
                if (twentieth == printed && p.Step != p.Total) return;
                printed = twentieth;
                console.WriteLine(p.Message);
            }));
            return result;
        }
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("starting", maxValue: 1);
                result = experiment(new ProgressCallback(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Step;
                    task.Description = Markup.Escape(p.Message);
                }));
            });
        return result;
    }
}
