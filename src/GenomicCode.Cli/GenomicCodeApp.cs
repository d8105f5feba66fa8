using GenomicCode.Cli.Commands;
using GenomicCode.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GenomicCode.Cli;

/// <summary>The genomic-code command line, callable in-process (tests) or from <c>Program</c>.</summary>
public static class GenomicCodeApp
{
    /// <summary>Exit code for usage errors: bad arguments, configs, files.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for a run stopped by the user (Ctrl+C), after its checkpoint was saved.</summary>
    public const int Cancelled = 130;

    /// <summary>Runs one command line and returns the process exit code.</summary>
    /// <param name="args">Arguments, without the program name.</param>
    /// <param name="console">Where to write; null for the terminal.</param>
    /// <param name="cancel">Stops long work cleanly (a checkpoint is saved first).</param>
    public static int Run(string[] args, IAnsiConsole? console = null, CancellationToken cancel = default)
    {
        var output = console ?? TerminalConsole();
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("genomic-code");
            config.SetApplicationVersion(NativeRuntime.LibraryVersion);
            config.Settings.Console = output;
            config.Settings.StrictParsing = true;
            config.Settings.CancellationExitCode = Cancelled;
            config.SetExceptionHandler((e, _) => HandleError(e, output));
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train a genome VAE from a preset (sprites world by default, or --dataset); writes a run folder with checkpoint, metrics and figures.")
                .WithExample("train", "--preset", "quickstart")
                .WithExample("train", "--preset", "sprites-beta-vae", "--beta", "4", "--steps", "20000", "--out", "runs/beta4")
                .WithExample("train", "--dataset", "fashion-mnist", "--steps", "500", "--out", "runs/fashion");
            config.AddCommand<InfoCommand>("info")
                .WithDescription("Print versions, device, threads and whether CUDA is available; --fix-native repairs TorchSharp loading.");
            config.AddCommand<PresetsCommand>("presets")
                .WithDescription("List the presets that ship with GenomicCode, or print one as JSON.");
            config.AddCommand<ScoreCommand>("score")
                .WithDescription("Score codes from any framework (NPY or CSV) against ground-truth factors: MIG, DCI, SAP, modularity, explicitness.")
                .WithExample("score", "--codes", "codes.npy", "--factors", "factors.npy", "--json", "scores.json");
            config.AddCommand<SummarizeCommand>("summarize")
                .WithDescription("Mean and 95% t interval of numbers in the result files of independent replicates (seeds, runs).")
                .WithExample("summarize", "runs/b4-s0/selectability.json", "runs/b4-s1/selectability.json", "--path", "cross_talk");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("Disentanglement metrics of a trained run; writes evaluation.json and figures into the run folder.")
                .WithExample("evaluate", "--run", "runs/quickstart");
            config.AddCommand<AnalyzeCommand>("analyze")
                .WithDescription("Genetic architecture (effect matrix, pleiotropy, epistasis) and robustness of a trained run; writes analysis.json and figures.")
                .WithExample("analyze", "--run", "runs/quickstart");
            config.AddCommand<EvolveCommand>("evolve")
                .WithDescription("Evolve a genome through a trained run's decoder to match a target phenotype; compare with the encoder's one-shot posterior mean.")
                .WithExample("evolve", "--run", "runs/quickstart", "--target", "12345", "--strategy", "cma", "--generations", "150");
            config.AddBranch("experiment", experiment =>
            {
                experiment.SetDescription("Evolution experiments that test the paper's claims; each writes JSON and figures.");
                experiment.AddCommand<SelectabilityCommand>("selectability")
                    .WithDescription("Select a population on each sprite trait in turn through a run's decoder; trait trajectories and the correlated-response matrix.")
                    .WithExample("experiment", "selectability", "--runs", "runs/beta4,runs/vae", "--trait", "scale");
                experiment.AddCommand<GeneralisationCommand>("generalisation")
                    .WithDescription("Evolve a gene-regulatory network under alternating modular targets (Kouvaris et al. 2017); adaptation to seen and unseen targets, with and without a connection cost.")
                    .WithExample("experiment", "generalisation", "--replicates", "15", "--out", "runs/generalisation");
                experiment.AddCommand<EvolvabilityCommand>("evolvability")
                    .WithDescription("Offspring-fitness distribution of single mutants and adaptation after a target switch, on one sprite trait through a run's decoder.")
                    .WithExample("experiment", "evolvability", "--run", "runs/beta4", "--trait", "scale", "--mutants", "64");
                experiment.AddCommand<LearningCommand>("learning")
                    .WithDescription("A developmental decoder learns target shapes by gradient descent and by evolution over its weights; loss against decoder evaluations and time.")
                    .WithExample("experiment", "learning", "--decoder", "grn", "--strategy", "es", "--generations", "150", "--out", "runs/learning");
                experiment.AddCommand<RateDistortionCommand>("rate-distortion")
                    .WithDescription("Train a series of genome VAEs (beta for Gaussian genomes, genome length for DNA); genome information in bits against reconstruction error.")
                    .WithExample("experiment", "rate-distortion", "--preset", "notebook-dna", "--lengths", "110,150,230", "--out", "runs/rate-distortion");
                experiment.AddCommand<RegenerateCommand>("regenerate")
                    .WithDescription("Grow a trained Growing NCA (train --preset emoji-growing-nca), cut a random disc out of each organism and follow its loss against the target over developmental time; recovered fraction and steps to recover.")
                    .WithExample("experiment", "regenerate", "--run", "runs/emoji-growing-nca", "--seed", "0");
            });
            config.AddBranch("study", study =>
            {
                study.SetDescription("Studies: a grid of runs over presets, hyper-parameters and seeds, run locally or as Slurm job arrays, gathered into a table and figures.");
                study.AddCommand<StudyPlanCommand>("plan")
                    .WithDescription("Print the runs a study file expands to and their estimated cost on this machine.")
                    .WithExample("study", "plan", "examples/studies/mini.json");
                study.AddCommand<StudyRunCommand>("run")
                    .WithDescription("Run a study: on this machine (--executor local) or as one sbatch --array job (--executor slurm); resumable.")
                    .WithExample("study", "run", "examples/studies/mini.json", "--executor", "local")
                    .WithExample("study", "run", "examples/studies/mini.json", "--executor", "slurm", "--partition", "cpu", "--time", "00:30:00");
                study.AddCommand<StudyReportCommand>("report")
                    .WithDescription("Gather a study folder into study.csv, study.json and figures (metrics per setting across seeds, against hyper-parameters, rank correlations, UDR).")
                    .WithExample("study", "report", "studies/mini");
                study.AddCommand<StudyTaskCommand>("task")
                    .WithDescription("Train and measure one run of a study folder (what each Slurm array task and local worker runs).")
                    .WithExample("study", "task", "studies/mini", "--index", "0");
            });
            config.AddBranch("weights", weights =>
            {
                weights.SetDescription("Model weights to and from PyTorch: safetensors or .pt state dicts with PyTorch's parameter names.");
                weights.AddCommand<WeightsExportCommand>("export")
                    .WithDescription("Write a run's model weights as FILE.safetensors or FILE.pt (PyTorch state dict) and list the parameter names and shapes.")
                    .WithExample("weights", "export", "--run", "runs/quickstart", "--out", "quickstart.safetensors");
                weights.AddCommand<WeightsImportCommand>("import")
                    .WithDescription("Read weights (safetensors or .pt) into a run's model and write them as a new run folder; every mismatch is listed.")
                    .WithExample("weights", "import", "--run", "runs/quickstart", "--weights", "finetuned.pt", "--out", "runs/finetuned");
                weights.AddCommand<WeightsPackCommand>("pack")
                    .WithDescription("Pack a trained, evaluated run as a pretrained model folder (safetensors weights, config, scores, a model card with the interval over seeds).")
                    .WithExample("weights", "pack", "--run", "runs/beta4-s0", "--replicates", "runs/beta4-s1,runs/beta4-s2", "--out", "models/pretrained/sprites-beta-vae", "--description", "beta-VAE, beta 4");
            });
            config.AddCommand<ListCommand>("list")
                .WithDescription("List the parts the library offers, one family at a time: name, aliases, what it does, options with defaults, source (data sets: whether they are in the data cache).")
                .WithExample("list")
                .WithExample("list", "decoders")
                .WithExample("list", "datasets", "--data-dir", "/scratch/data");
            config.AddBranch("data", data =>
            {
                data.SetDescription("Real data sets in the data cache (default data/ in a checkout; --data-dir or GENOMICCODE_DATA).");
                data.AddCommand<DataGetCommand>("get")
                    .WithDescription("Fetch a data set (see `list datasets`) with its registry's client, check sizes and SHA-256, move it into the cache; a no-op when present.")
                    .WithExample("data", "get", "fashion-mnist")
                    .WithExample("data", "get", "mnist", "--data-dir", "/scratch/data");
            });
            config.AddBranch("genome", genome =>
            {
                genome.SetDescription("Nucleotide genomes: read FASTA, see the regulation they encode, grow the organisms they encode.");
                genome.AddCommand<GenomeAffinityCommand>("affinity")
                    .WithDescription("Read nucleotide genomes from FASTA and print the regulatory matrix W(g) and biases b(g) the sequence-to-affinity layer reads from them.")
                    .WithExample("genome", "affinity", "genomes.fa", "--genes", "8", "--motif", "6", "--cis", "24");
                genome.AddCommand<GenomeDevelopCommand>("develop")
                    .WithDescription("Grow the organisms that DNA encodes (a FASTA file, e.g. a run's genome.fa edited by hand) through a trained nucleotide run's development; one tile per record.")
                    .WithExample("genome", "develop", "--run", "runs/sprites-dna-grn", "--fasta", "runs/sprites-dna-grn/genome.fa", "--out", "organisms.png");
            });
            config.AddBranch("bench", bench =>
            {
                bench.SetDescription("Benchmarks; print JSON.");
                bench.AddCommand<BenchDevelopCommand>("develop")
                    .WithDescription("Speed and memory of developmental decoders: forward development and training steps, or with --population whole populations per backend (bench/README.md).")
                    .WithExample("bench", "develop", "--decoder", "nca", "--json", "nca.json")
                    .WithExample("bench", "develop", "--population", "32,256,1024", "--backend", "ilgpu", "--check", "--json", "ilgpu.json");
                bench.AddCommand<BenchPlotCommand>("plot")
                    .WithDescription("Organisms per second against population size from population-benchmark JSON files, one line per file.")
                    .WithExample("bench", "plot", "--json", "torch.json,ilgpu.json", "--out", "bench/population.png");
            });
        });
        return app.Run(args, cancel);
    }

    /// <summary>
    /// The process's console. When output goes to a file or a pipe, Spectre would lay text out for 80 columns and break
    /// long lines (errors, help examples, paths); there the width is unbounded, so every line stays whole.
    /// </summary>
    private static IAnsiConsole TerminalConsole()
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected) console.Profile.Width = UnwrappedWidth;
        return console;
    }

    /// <summary>The layout width used when output is redirected: wide enough that no line is ever wrapped.</summary>
    internal const int UnwrappedWidth = 32_767;

    /// <summary>Prints one line for a user error (exit 2) or a failure (exit 1); stack traces only with GENOMICCODE_DEBUG=1.</summary>
    private static int HandleError(Exception e, IAnsiConsole console)
    {
        if (e is CommandRuntimeException or CommandParseException or CommandConfigurationException)
        {
            WriteError(console, e.Message);
            return UsageError;
        }
        var inner = e;
        while (inner is TypeInitializationException or AggregateException && inner.InnerException is not null) inner = inner.InnerException!;
        switch (inner)
        {
            case UserInputException u:
                WriteError(console, u.Message);
                return UsageError;
            case IOException or UnauthorizedAccessException when AtomicFile.IsDiskFailure(inner):
                // A write that failed outside AtomicFile (a figure, a log): the disk's failure is the user's to fix.
                WriteError(console, $"cannot write: {inner.Message}; free some space or choose another folder.");
                return UsageError;
            case NonFiniteLossException n:
                WriteError(console, n.Message);
                return 1;
            case OperationCanceledException:
                return Cancelled;
        }
        WriteError(console, $"{inner.GetType().Name}: {inner.Message}");
        if (Environment.GetEnvironmentVariable("GENOMICCODE_DEBUG") == "1") console.WriteException(e);
        else console.MarkupLine("[grey](set GENOMICCODE_DEBUG=1 to see the stack trace)[/]");
        return 1;
    }

    /// <summary>
    /// Writes "error: message" as one line: laid out for an unbounded width, so that it never wraps at the console's
    /// width (80 columns when output is piped, the terminal's otherwise).
    /// </summary>
    internal static void WriteError(IAnsiConsole console, string message)
    {
        int width = console.Profile.Width;
        console.Profile.Width = UnwrappedWidth;
        // Control characters quoted from a damaged file (escape sequences, NUL) are shown as '?', never sent to the terminal.
        string line = new(message.ReplaceLineEndings(" ").Select(c => char.IsControl(c) ? '?' : c).ToArray());
        try { console.MarkupLine($"[red]error:[/] {Markup.Escape(line)}"); }
        finally { console.Profile.Width = width; }
    }
}
