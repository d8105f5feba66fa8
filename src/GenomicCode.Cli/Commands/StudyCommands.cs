using System.Globalization;
using GenomicCode.Cli.Studies;
using GenomicCode.Core;
using GenomicCode.Studies;
using Spectre.Console;
using Spectre.Console.Cli;
using static GenomicCode.Cli.Commands.RawOutput;

namespace GenomicCode.Cli.Commands;

/// <summary><c>genomic-code study plan FILE</c>: the runs a study file expands to and their estimated cost.</summary>
public sealed class StudyPlanCommand(IAnsiConsole console) : Command<StudyPlanSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, StudyPlanSettings settings, CancellationToken cancellationToken)
    {
        var study = StudyFile.Load(settings.File, StudyParts.Measurements(console));
        string outDir = settings.Out ?? Path.Combine("studies", study.Name);
        StudyFolder? existing = File.Exists(Path.Combine(outDir, StudyFolder.RecordFile)) ? StudyFolder.Open(outDir) : null;
        var d = study.Definition;
        console.MarkupLine($"study [bold]{Markup.Escape(study.Name)}[/]{(d.Description.Length > 0 ? ": " + Markup.Escape(d.Description) : "")}");
        console.MarkupLine($"base preset {Markup.Escape(study.PresetSource)}; {study.Runs.Count} runs; axes: " +
                           Markup.Escape(string.Join(" x ", study.Axes.Select(a => $"{a.Name} ({a.Labels.Count}{(a.IsSeed ? " seeds" : "")})"))));
        console.MarkupLine("measurements: " + Markup.Escape(d.Measurements.Count == 0 ? "none" : string.Join(", ", d.Measurements.Select(m => m.Kind))));
        var table = new Table().AddColumn(new TableColumn("index").RightAligned()).AddColumn("run").AddColumn("setting").AddColumn(new TableColumn("seed").RightAligned());
        foreach (var run in study.Runs)
            table.AddRow(run.Index.ToString(CultureInfo.InvariantCulture), Markup.Escape(run.Id), Markup.Escape(run.Setting), run.Seed.ToString(CultureInfo.InvariantCulture));
        console.Write(table);

        var estimate = StudyCost.Estimate(study, existing, settings.WarmupSteps, settings.ProbeSteps, settings.Threads,
            line => Raw(console, line), cancellationToken);
        var cost = new Table().AddColumn("configuration").AddColumn(new TableColumn("runs").RightAligned()).AddColumn(new TableColumn("steps").RightAligned())
            .AddColumn(new TableColumn("s/step").RightAligned()).AddColumn(new TableColumn("CPU s/step").RightAligned())
            .AddColumn(new TableColumn("hours").RightAligned()).AddColumn("how");
        foreach (var g in estimate.Groups)
            cost.AddRow(Markup.Escape(g.Label), g.Runs.ToString(CultureInfo.InvariantCulture), g.Steps.ToString(CultureInfo.InvariantCulture),
                g.SecondsPerStep is double s ? s.ToString("F4", CultureInfo.InvariantCulture) : "-",
                g.CpuSecondsPerStep is double c ? c.ToString("F4", CultureInfo.InvariantCulture) : "-",
                g.SecondsPerStep is double h ? (h * g.Steps / 3600).ToString("F2", CultureInfo.InvariantCulture) : "-", Markup.Escape(g.Source));
        console.Write(cost);
        int parallel = settings.Parallel ?? Math.Max(1, Environment.ProcessorCount / estimate.Threads);
        if (estimate.TotalSeconds is double total)
        {
            string hours = estimate.GpuHours is double gpu
                ? string.Create(CultureInfo.InvariantCulture, $"{gpu:F2} GPU-hours (one GPU per run, probed on {estimate.Device})")
                : string.Create(CultureInfo.InvariantCulture, $"{estimate.CpuHours:F2} CPU-hours");
            Raw(console, string.Create(CultureInfo.InvariantCulture,
                $"estimate: {total / 3600:F2} h of runs one after another at {estimate.Threads} thread(s) = {hours}; about {total / 3600 / parallel:F2} h wall with {parallel} at once on this machine."));
            Raw(console, estimate.MeasureSecondsPerRun is double m
                ? string.Create(CultureInfo.InvariantCulture, $"measurements: {m:F1} s per run, the mean of {estimate.FinishedRuns} finished run(s) of this study (included).")
                : "measurements: not included (their time is known once a run of this study has finished; plan again with --out).");
        }
        else
        {
            Raw(console, "estimate: not measured (--probe-steps 0 and no finished runs).");
        }
        Raw(console, "how: seconds per training step on this machine, times the steps of each run; speeds come from finished runs of this study where there are some (their training time over their steps, start-up included), else from the timed probe steps. " +
                     (estimate.OnGpu ? "GPU-hours count one GPU per run." : "CPU-hours are the probe's process CPU time per step (all threads) times the steps, or wall time times threads where only wall time is known; runs train on the CPU here, so no GPU estimate is made (on a machine with CUDA, device auto probes the GPU)."));
        return 0;
    }
}

/// <summary><c>genomic-code study run FILE</c>: runs a study on this machine or as Slurm job arrays.</summary>
public sealed class StudyRunCommand(IAnsiConsole console) : Command<StudyRunSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, StudyRunSettings settings, CancellationToken cancellationToken)
    {
        var study = StudyFile.Load(settings.File, StudyParts.Measurements(console));
        string outDir = settings.Out ?? Path.Combine("studies", study.Name);
        var tool = StudyParts.Tool(settings.Tool);
        return settings.Executor == "slurm" ? RunSlurm(study, outDir, tool, settings, cancellationToken) : RunLocal(study, outDir, tool, settings, cancellationToken);
    }

    private int RunLocal(Study study, string outDir, ToolCommand tool, StudyRunSettings settings, CancellationToken cancellationToken)
    {
        int cores = Math.Max(1, Environment.ProcessorCount);
        int parallel = settings.Parallel ?? cores;
        int threads = settings.Threads ?? Math.Max(1, cores / parallel);
        var folder = StudyFolder.CreateOrResume(study, outDir, out bool created);
        console.MarkupLine($"study [bold]{Markup.Escape(study.Name)}[/] in [link]{Markup.Escape(folder.Path)}[/] (local)");
        LocalOutcome outcome;
        using (folder.AcquireDriver())
        {
            try
            {
                outcome = new LocalExecutor(folder, tool, new LocalOptions(parallel, threads, settings.Retries), line => Raw(console, line)).Run(cancellationToken);
            }
            catch (UserInputException) when (created && folder.Read().Runs.All(r => folder.ReadRun(r) is null))
            {
                folder.DeleteCreated();
                throw;
            }
        }
        if (outcome.Stopped)
        {
            console.MarkupLine($"[yellow]stopped[/]: {outcome.Done} of {study.Runs.Count} runs done; run the same command again to resume.");
            return GenomicCodeApp.Cancelled;
        }
        if (!settings.NoReport) StudyReportCommand.Report(console, folder, noUdr: false, seed: 0, device: null, cancellationToken);
        return Finish(folder, study, outcome.Done, outcome.Failed);
    }

    private int RunSlurm(Study study, string outDir, ToolCommand tool, StudyRunSettings settings, CancellationToken cancellationToken)
    {
        var file = study.Definition.Slurm ?? new SlurmOptions();
        var resources = file with
        {
            Partition = settings.Partition ?? file.Partition,
            Time = settings.Time ?? file.Time,
            CpusPerTask = settings.CpusPerTask ?? file.CpusPerTask ?? 1,
            Memory = settings.Memory ?? file.Memory,
            Gpus = settings.Gpus ?? file.Gpus,
            Account = settings.Account ?? file.Account,
            MaxConcurrent = settings.MaxConcurrent ?? file.MaxConcurrent,
            MaxResubmits = settings.MaxResubmits ?? file.MaxResubmits ?? 2,
        };
        // The command-line values pass the same checks as the study file's.
        if (StudyFile.SlurmProblem(resources) is ({ } field, { } message)) throw new UserInputException($"Slurm option '{field}': {message}");
        string full = Path.GetFullPath(outDir);
        string arrayScript = SlurmExecutor.ArrayScript(study.Name, full, tool, resources, study.Runs.Count);
        if (settings.DryRun)
        {
            string gatherScript = SlurmExecutor.GatherScript(study.Name, full, tool, resources);
            Raw(console, $"# {Path.Combine(full, StudyFolder.ArrayScript)}");
            Raw(console, arrayScript);
            Raw(console, $"# {Path.Combine(full, StudyFolder.GatherScript)}");
            Raw(console, gatherScript);
            Raw(console, "# submission (nothing was submitted or written):");
            Raw(console, $"sbatch --parsable --array={SlurmExecutor.ArraySpec(Enumerable.Range(0, study.Runs.Count).ToList(), resources.MaxConcurrent)} " +
                              $"--export=ALL,{SlurmExecutor.OffsetVariable}=0 {ToolCommand.Quote(Path.Combine(full, StudyFolder.ArrayScript))}");
            Raw(console, $"sbatch --parsable --dependency=afterany:<array job id> {ToolCommand.Quote(Path.Combine(full, StudyFolder.GatherScript))}");
            return 0;
        }

        // Everything Slurm can refuse is asked before the study folder is touched.
        var slurm = new SlurmCommands(settings.SlurmBin, settings.SlurmConf);
        slurm.CheckReady();
        int max = slurm.MaxArraySize();
        slurm.TestSubmit(arrayScript, new[] { $"--array=0-{Math.Min(study.Runs.Count, max) - 1}" });

        var folder = StudyFolder.CreateOrResume(study, outDir, out bool created);
        console.MarkupLine($"study [bold]{Markup.Escape(study.Name)}[/] in [link]{Markup.Escape(folder.Path)}[/] (slurm)");
        SlurmOutcome outcome;
        using (folder.AcquireDriver())
        {
            try
            {
                var options = new SlurmRunOptions(resources, resources.MaxResubmits ?? 2, TimeSpan.FromSeconds(settings.Poll), Follow: !settings.Detach);
                outcome = new SlurmExecutor(folder, tool, slurm, options, line => Raw(console, line)).Run(cancellationToken);
            }
            catch (UserInputException) when (created && folder.Read().Jobs.Count == 0)
            {
                folder.DeleteCreated();
                throw;
            }
        }
        if (!outcome.Followed)
        {
            if (cancellationToken.IsCancellationRequested) return GenomicCodeApp.Cancelled;
            console.MarkupLine($"[green]submitted[/] {Markup.Escape(string.Join(", ", outcome.Submitted))}; state in {Markup.Escape(folder.File(StudyFolder.RecordFile))}");
            return 0;
        }
        if (outcome.GatherState is not null && outcome.GatherState != "COMPLETED")
            console.MarkupLine($"[yellow]the gathering job ended {Markup.Escape(outcome.GatherState)}[/]; gather by hand with: genomic-code study report {Markup.Escape(folder.Path)}");
        return Finish(folder, study, outcome.Done, outcome.Failed);
    }

    private int Finish(StudyFolder folder, Study study, int done, IReadOnlyList<string> failed)
    {
        if (failed.Count > 0)
        {
            GenomicCodeApp.WriteError(console, $"{failed.Count} of {study.Runs.Count} runs failed ({string.Join(", ", failed.Take(5))}{(failed.Count > 5 ? ", ..." : "")}); their logs are in {Path.Combine(folder.Path, StudyFolder.LogsFolder)}; run the same command again to retry them.");
            return 1;
        }
        console.MarkupLine($"[green]done[/]: {done} of {study.Runs.Count} runs in {Markup.Escape(folder.Path)}");
        return 0;
    }
}

/// <summary><c>genomic-code study task DIR --index I</c>: trains and measures one run of a study (what each array task runs).</summary>
public sealed class StudyTaskCommand(IAnsiConsole console) : Command<StudyTaskSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, StudyTaskSettings settings, CancellationToken cancellationToken)
    {
        var folder = StudyFolder.Open(settings.Folder);
        if (settings.Threads is int threads) TorchSharp.torch.set_num_threads(threads);
        StudyTask.Run(folder, settings.Index!.Value, new CliRunTrainer(console), StudyParts.Measurements(console), settings.Threads,
            line => Raw(console, line), cancellationToken);
        return 0;
    }
}

/// <summary><c>genomic-code study report DIR</c>: gathers a study into study.csv, study.json and figures.</summary>
public sealed class StudyReportCommand(IAnsiConsole console) : Command<StudyReportSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, StudyReportSettings settings, CancellationToken cancellationToken)
    {
        Report(console, StudyFolder.Open(settings.Folder), settings.NoUdr, settings.Seed, settings.Device, cancellationToken);
        return 0;
    }

    /// <summary>Builds and writes the report of <paramref name="folder"/>, and prints what is done and what is missing.</summary>
    internal static StudyReport Report(IAnsiConsole console, StudyFolder folder, bool noUdr, long seed, string? device, CancellationToken cancellationToken)
    {
        var report = StudyReport.Build(folder, noUdr ? null : new UdrMeasurement(device), seed, line => Raw(console, line), cancellationToken);
        var figures = report.Done > 0 ? StudyFigureWriter.Write(folder, report) : Array.Empty<string>();
        report.Write(folder, figures);
        var shown = report.Metrics.Take(6).ToList();
        var table = new Table().AddColumn("run").AddColumn("status");
        foreach (string m in shown) table.AddColumn(new TableColumn(Markup.Escape(m)).RightAligned());
        foreach (var row in report.Rows)
            table.AddRow(new[] { Markup.Escape((string)row["run"]!), Markup.Escape((string)row["status"]!) }
                .Concat(shown.Select(m => StudyFile.Numeric(row[m]) is double v ? v.ToString("F3", CultureInfo.InvariantCulture) : "-")).ToArray());
        console.Write(table);
        console.MarkupLine($"{report.Done} of {report.Rows.Count} runs done" + (report.Missing.Count > 0
            ? $"; [yellow]missing[/]: {Markup.Escape(string.Join(", ", report.Missing.Take(10)))}{(report.Missing.Count > 10 ? $" and {report.Missing.Count - 10} more" : "")}"
            : ""));
        console.MarkupLine($"[green]wrote[/] {StudyFolder.TableFile}, {StudyFolder.RecordFile} and {figures.Count} figure(s) in {Markup.Escape(folder.Path)}");
        return report;
    }
}

/// <summary>Plain output lines that never wrap (scripts, logs): written to the console's writer, past Spectre's line breaking.</summary>
internal static class RawOutput
{
    /// <summary>Writes <paramref name="line"/> and a newline as they are.</summary>
    internal static void Raw(IAnsiConsole console, string line)
    {
        var writer = console.Profile.Out.Writer;
        writer.WriteLine(line);
        writer.Flush();
    }
}
