using System.Text.Json.Nodes;
using GenomicCode.Core;
using GenomicCode.Studies;

using static GenomicCode.Tests.Studies.StudyFiles;

namespace GenomicCode.Tests.Studies;

public class StudyReportTests
{
    /// <summary>Scores each run of a setting by its position (for checking where setting-level scores land).</summary>
    private sealed class CountingUdr : ISettingMeasurement
    {
        public int Calls { get; private set; }

        public string Name => "udr";

        public IReadOnlyList<double> Measure(IReadOnlyList<string> runFolders, long seed, CancellationToken cancellationToken)
        {
            Calls++;
            return runFolders.Select((_, i) => 0.1 * (i + 1)).ToArray();
        }
    }

    /// <summary>A study folder of <see cref="StudyFiles.Mini"/> whose runs 0..done-1 finished with the given scores.</summary>
    private static StudyFolder FolderWithDoneRuns(TempDir dir, params (double Score, double Loss)[] done)
    {
        var folder = StudyFolder.CreateOrResume(Parse(Mini), dir["study"], out bool created);
        Assert.True(created);
        var record = folder.Read();
        for (int i = 0; i < done.Length; i++)
        {
            var entry = record.Runs[i];
            File.WriteAllText(Path.Combine(folder.RunPath(entry), "metrics.jsonl"),
                $"{{\"step\":2,\"loss\":9,\"reconstruction\":8,\"kl\":1}}\n{{\"step\":3,\"loss\":{done[i].Loss},\"reconstruction\":{done[i].Loss - 1},\"kl\":1}}\n");
            folder.WriteRun(entry, new RunRecord
            {
                Index = i, Id = entry.Id, State = StudyStates.Done, Attempts = 1, Trained = true, TrainSeconds = 2,
                Measurements = new() { ["fake"] = new MeasurementRecord { Seconds = 1, Scalars = new() { ["score"] = done[i].Score, ["loss_ratio"] = done[i].Loss / 10 } } },
            });
        }
        return folder;
    }

    [Fact]
    public void Should_WriteARowPerRunAndNameTheMissing_When_TheStudyIsPartial()
    {
        using var dir = new TempDir();
        var folder = FolderWithDoneRuns(dir, (0.2, 5), (0.4, 7), (0.9, 3));
        var record = folder.Read();
        folder.WriteRun(record.Runs[3], new RunRecord { Index = 3, Id = record.Runs[3].Id, State = StudyStates.Failed, Attempts = 2, Error = "boom, \"quoted\"" });

        var report = StudyReport.Build(folder, null, 0, _ => { }, default);
        report.Write(folder, Array.Empty<string>());

        Assert.Equal(3, report.Done);
        Assert.Equal(new[] { "003_beta=4_seed=1 (failed)" }, report.Missing);
        Assert.Equal(new[] { "score", "loss_ratio" }.Order(), report.Metrics.Order());
        string[] lines = File.ReadAllLines(folder.File("study.csv"));
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("index,run,status,setting,model.regularizer.options.beta,seed,steps,loss,reconstruction,kl,train_seconds,fake_seconds,", lines[0]);
        Assert.StartsWith("0,000_beta=1_seed=0,done,beta=1,1,0,3,5,4,1,2,1,", lines[1]);
        Assert.EndsWith("2,,\"boom, \"\"quoted\"\"\"", lines[4]);          // attempts, host, error (CSV-quoted)
        var saved = folder.Read().Report!;
        Assert.Equal(3, saved.Done);
        Assert.Equal(4, saved.Planned);
        Assert.Equal(0.9, (double)saved.Rows[2]["score"]!);
        Assert.Null(saved.Rows[3]["score"]);
    }

    [Fact]
    public void Should_GroupValuesBySettingAndAgainstTheHyperParameter_When_RunsAreDone()
    {
        using var dir = new TempDir();
        var folder = FolderWithDoneRuns(dir, (0.2, 5), (0.4, 7), (0.9, 3), (0.7, 4));

        var report = StudyReport.Build(folder, null, 0, _ => { }, default);

        var bySetting = report.ValuesBySetting("score");
        Assert.Equal(new[] { "beta=1", "beta=4" }, bySetting.Select(g => g.Setting));
        Assert.Equal(new[] { 0.2, 0.4 }, bySetting[0].Values);
        var axis = Assert.Single(report.NumericAxes);
        Assert.Equal("model.regularizer.options.beta", axis.Name);
        var series = Assert.Single(report.Against("score", axis));
        Assert.Equal("all", series.Key);
        Assert.Equal(new double[] { 1, 1, 4, 4 }, series.Value.X);
        Assert.Equal(new[] { 0.2, 0.4, 0.9, 0.7 }, series.Value.Y);
        // score and loss_ratio over the 4 runs: ranks (1,2,4,3) and (3,4,1,2): rho = 1 - 6 * (4+4+9+1) / (4 * 15) = -0.8
        var rho = report.RankCorrelation();
        int s = report.Metrics.ToList().IndexOf("score"), l = report.Metrics.ToList().IndexOf("loss_ratio");
        Assert.Equal(-0.8, rho[s, l], 12);
        Assert.Equal(1.0, rho[s, s], 12);
    }

    [Fact]
    public void Should_ScoreEachSettingOverItsSeedsOnce_When_ReportedTwice()
    {
        using var dir = new TempDir();
        var folder = FolderWithDoneRuns(dir, (0.2, 5), (0.4, 7), (0.9, 3));
        var udr = new CountingUdr();

        var first = StudyReport.Build(folder, udr, 0, _ => { }, default);
        first.Write(folder, Array.Empty<string>());
        var second = StudyReport.Build(folder, udr, 0, _ => { }, default);

        // beta=1 has two done seeds (scored); beta=4 only one (not scored)
        Assert.Equal(1, udr.Calls);
        Assert.Equal(0.1, (double)second.Rows[0]["udr"]!, 12);
        Assert.Equal(0.2, (double)second.Rows[1]["udr"]!, 12);
        Assert.Null(second.Rows[2]["udr"]);
        Assert.Contains("udr", second.Metrics);
    }

    [Fact]
    public void Should_EstimateFromFinishedRuns_When_TheStudyFolderHasSome()
    {
        // Runs 0-2 finished: 2 s of training for 3 steps each, 1 s of measurement. beta=1 (runs 0, 1) trains at
        // 4 s / 6 steps; beta=4 has only run 2 (2 s / 3 steps). Every group: 2/3 s per step x 6 steps = 4 s.
        using var dir = new TempDir();
        var folder = FolderWithDoneRuns(dir, (0.2, 5), (0.4, 7), (0.9, 3));

        var estimate = StudyCost.Estimate(Parse(Mini), folder, 0, 0, threads: 2, _ => { }, default);

        Assert.Equal(new[] { "read from 2 finished run(s)", "read from 1 finished run(s)" }, estimate.Groups.Select(g => g.Source));
        Assert.All(estimate.Groups, g => Assert.Equal(2.0 / 3, g.SecondsPerStep!.Value, 12));
        Assert.Equal(8, estimate.TrainSeconds!.Value, 12);
        Assert.Equal(1, estimate.MeasureSecondsPerRun!.Value, 12);
        Assert.Equal(12, estimate.TotalSeconds!.Value, 12);              // + 1 s x 4 runs
        Assert.Equal(24.0 / 3600, estimate.CpuHours!.Value, 12);        // x 2 threads
        Assert.Equal("cpu", estimate.Device);
        Assert.Null(estimate.GpuHours);
    }

    [Fact]
    public void Should_MatchHandComputedRankCorrelations_When_ValuesHaveTies()
    {
        // x = 1,2,3,4 and y = 1,3,2,4: d^2 = 0,1,1,0, rho = 1 - 6 * 2 / (4 * 15) = 0.8
        Assert.Equal(0.8, StudyReport.Spearman(new double[] { 1, 2, 3, 4 }, new double[] { 1, 3, 2, 4 }), 12);
        // ties: x ranks 1, 2.5, 2.5, 4 against 1, 2, 3, 4: cov 4.5, var 4.5 and 5, rho = 4.5 / sqrt(22.5)
        Assert.Equal(new[] { 1, 2.5, 2.5, 4 }, StudyReport.Ranks(new double[] { 1, 2, 2, 3 }));
        Assert.Equal(4.5 / Math.Sqrt(22.5), StudyReport.Spearman(new double[] { 1, 2, 2, 3 }, new double[] { 1, 2, 3, 4 }), 12);
        Assert.True(double.IsNaN(StudyReport.Spearman(new double[] { 1, 1, 1 }, new double[] { 1, 2, 3 })));
    }
}

public class StudyFolderTests
{
    [Fact]
    public void Should_ResumeTheSamePlanAndRefuseAnother_When_TheFolderExists()
    {
        using var dir = new TempDir();
        var first = StudyFolder.CreateOrResume(Parse(Mini), dir["s"], out bool created);
        Assert.True(created);
        Assert.Equal(4, first.Read().Runs.Count);
        Assert.True(File.Exists(Path.Combine(dir["s"], "runs", "002_beta=4_seed=0", "preset.json")));
        Assert.Empty(Directory.GetDirectories(dir.Path, ".s.new-*"));

        StudyFolder.CreateOrResume(Parse(Mini), dir["s"], out bool again);
        Assert.False(again);

        var other = Parse(Mini.Replace("[1, 4]", "[1, 8]"));
        var e = Assert.Throws<UserInputException>(() => StudyFolder.CreateOrResume(other, dir["s"], out _));
        Assert.Contains("holds another plan (run 2 is '002_beta=4_seed=0' there, '002_beta=8_seed=0' in the study file)", e.Message);
        Assert.True(File.Exists(Path.Combine(dir["s"], "runs", "002_beta=4_seed=0", "preset.json")));   // untouched

        File.WriteAllText(dir["occupied"], "");
        Assert.Contains("is a file", Assert.Throws<UserInputException>(() => StudyFolder.CreateOrResume(Parse(Mini), dir["occupied"], out _)).Message);
        Directory.CreateDirectory(dir["busy"]);
        File.WriteAllText(Path.Combine(dir["busy"], "notes.txt"), "x");
        Assert.Contains("not a study folder", Assert.Throws<UserInputException>(() => StudyFolder.CreateOrResume(Parse(Mini), dir["busy"], out _)).Message);
    }

    [Fact]
    public void Should_RefuseASecondDriver_When_OneHoldsTheFolder()
    {
        using var dir = new TempDir();
        var folder = StudyFolder.CreateOrResume(Parse(Mini), dir["s"], out _);

        using (folder.AcquireDriver())
        {
            var e = Assert.Throws<UserInputException>(() => folder.AcquireDriver());
            Assert.Contains("another `genomic-code study run` is driving", e.Message);
            folder.Update(r => r with { State = StudyStates.Running }); // the record lock is separate
        }
        using var again = folder.AcquireDriver();
        Assert.Equal(StudyStates.Running, folder.Read().State);
    }

    [Fact]
    public void Should_TrainOnceAndMeasureWhatIsMissing_When_ATaskRunsAgain()
    {
        using var dir = new TempDir();
        var folder = StudyFolder.CreateOrResume(Parse(Mini), dir["s"], out _);
        var trainer = new CountingTrainer();
        var fake = new FakeMeasurement("fake");

        var first = StudyTask.Run(folder, 1, trainer, new[] { fake }, 1, _ => { }, default);
        var second = StudyTask.Run(folder, 1, trainer, new[] { fake }, 1, _ => { }, default);

        Assert.Equal(StudyStates.Done, first.State);
        Assert.Equal(1, trainer.Calls);
        Assert.Equal(1, fake.Calls);
        Assert.Equal(1, second.Attempts);
        Assert.Equal(new Dictionary<string, double> { ["score"] = 0.5 }, first.Measurements["fake"].Scalars); // NaN left out
        Assert.Contains("no run 9", Assert.Throws<UserInputException>(() => StudyTask.Run(folder, 9, trainer, new[] { fake }, 1, _ => { }, default)).Message);
    }

    [Fact]
    public void Should_RecordTheFailureAndTrainAgainOnTheNextAttempt_When_TrainingThrows()
    {
        using var dir = new TempDir();
        var folder = StudyFolder.CreateOrResume(Parse(Mini), dir["s"], out _);
        var trainer = new CountingTrainer { FailFirst = true };
        var fake = new FakeMeasurement("fake");

        Assert.Throws<InvalidOperationException>(() => StudyTask.Run(folder, 0, trainer, new[] { fake }, 1, _ => { }, default));
        var failed = folder.ReadRun(folder.Read().Runs[0])!;
        var done = StudyTask.Run(folder, 0, trainer, new[] { fake }, 1, _ => { }, default);

        Assert.Equal(StudyStates.Failed, failed.State);
        Assert.Equal("training failed", failed.Error);
        Assert.False(failed.Trained);
        Assert.Equal(2, done.Attempts);
        Assert.Equal(2, trainer.Calls);
        Assert.True(done.IsComplete(new[] { "fake" }));
    }

    private sealed class CountingTrainer : IRunTrainer
    {
        public int Calls { get; private set; }

        public bool FailFirst { get; init; }

        public void Train(string runFolder, string presetFile, CancellationToken cancellationToken)
        {
            Calls++;
            Assert.True(File.Exists(presetFile));
            if (FailFirst && Calls == 1) throw new InvalidOperationException("training failed");
        }
    }
}
