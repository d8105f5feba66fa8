using System.Text.Json;
using GenomicCode.Cli;
using GenomicCode.Data;
using Spectre.Console.Testing;

using static GenomicCode.Tests.Cli.CliHarness;

namespace GenomicCode.Tests.Cli;

[Collection(TorchCollection.Name)]
public class ScoreEvaluateCliTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures", name);

    /// <summary>Ground-truth-like codes: each factor plus a little noise, in one code each, and one noise code.</summary>
    private static (double[,] Codes, int[,] Factors) Synthetic(int n)
    {
        var rng = new Random(0);
        var codes = new double[n, 3];
        var factors = new int[n, 2];
        for (int i = 0; i < n; i++)
        {
            factors[i, 0] = rng.Next(4);
            factors[i, 1] = rng.Next(5);
            codes[i, 0] = factors[i, 1] + 0.01 * rng.NextDouble();
            codes[i, 1] = rng.NextDouble();
            codes[i, 2] = -factors[i, 0] + 0.01 * rng.NextDouble();
        }
        return (codes, factors);
    }

    [Fact]
    public void Should_PrintTableAndWriteFlatJson_When_ScoringNpyFiles()
    {
        using var dir = new TempDir();
        var (codes, factors) = Synthetic(600);
        Npy.Write(dir["codes.npy"], codes);
        Npy.Write(dir["factors.npy"], factors);
        var r = Run("score", "--codes", dir["codes.npy"], "--factors", dir["factors.npy"], "--json", dir["s.json"]);
        Assert.True(r.Code == 0, r.Output);
        Assert.Contains("dci_disentanglement", r.Output);
        using var doc = JsonDocument.Parse(File.ReadAllText(dir["s.json"]));
        foreach (string key in new[] { "mig", "sap", "modularity", "explicitness", "dci_disentanglement", "dci_completeness", "dci_informativeness" })
            Assert.True(doc.RootElement.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number, $"missing {key}");
        // disentanglement_lib on the same rows (first half trains; dlib_reference.reference_scores in
        // Metrics/Fixtures, scikit-learn 1.2.1): MIG 0.932528, SAP 0.35, modularity 0.814537, explicitness 1,
        // DCI 1 / 1 / 1 (the factor codes are exact up to 0.01 noise, so MIG and modularity fall short of 1 only
        // through the 20-bin discretisation, and SAP through the one-vs-rest SVM on one code).
        double Score(string key) => doc.RootElement.GetProperty(key).GetDouble();
        Assert.Equal(0.932528459774095, Score("mig"), 1e-9);
        Assert.Equal(0.8145374128420889, Score("modularity"), 1e-9);
        Assert.Equal(0.35, Score("sap"), 0.005);
        Assert.Equal(1.0, Score("explicitness"), 1e-4);
        Assert.Equal(1.0, Score("dci_disentanglement"), 0.01);
        Assert.Equal(1.0, Score("dci_completeness"), 0.01);
        Assert.Equal(1.0, Score("dci_informativeness"), 1e-9);
        Assert.Equal(300, doc.RootElement.GetProperty("num_train").GetInt32());
    }

    [Fact]
    public void Should_ScoreFilesWrittenByNumpy_When_NpyAndCsv()
    {
        using var dir = new TempDir();
        var a = Run("score", "--codes", Fixture("codes_f4.npy"), "--factors", Fixture("factors_i8.npy"), "--metrics", "mig,modularity", "--json", dir["a.json"]);
        Assert.True(a.Code == 0, a.Output);
        var b = Run("score", "--codes", Fixture("codes.csv"), "--factors", Fixture("factors.csv"), "--metrics", "mig,modularity", "--json", dir["b.json"]);
        Assert.True(b.Code == 0, b.Output);
        Assert.Equal(File.ReadAllText(dir["a.json"]), File.ReadAllText(dir["b.json"])); // same numbers from either format
    }

    [Fact]
    public void Should_FailWithOneLine_When_ScoreInputIsBad()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["short.csv"], "0,1\n1,0\n");
        AssertOneLineUsageError(Run("score", "--codes", Fixture("codes.csv"), "--factors", dir["short.csv"]), "has 2");
        File.WriteAllText(dir["nan.csv"], "0.5,1\nNaN,2\n0,0\n1,1\n");
        File.WriteAllText(dir["f4.csv"], "0,1\n1,0\n0,1\n1,0\n");
        AssertOneLineUsageError(Run("score", "--codes", dir["nan.csv"], "--factors", dir["f4.csv"]), "must be finite");
        File.WriteAllText(dir["c4.csv"], "0.5,1\n1,2\n0,0\n1,1\n");
        File.WriteAllText(dir["half.csv"], "0,1\n1,0.5\n0,1\n1,0\n");
        AssertOneLineUsageError(Run("score", "--codes", dir["c4.csv"], "--factors", dir["half.csv"]), "factor column 1 is not integer");
        File.WriteAllText(dir["const.csv"], "0,3\n1,3\n0,3\n1,3\n");
        AssertOneLineUsageError(Run("score", "--codes", dir["c4.csv"], "--factors", dir["const.csv"]), "factor column 1 has fewer than two distinct values");
        AssertOneLineUsageError(Run("score", "--codes", dir["c4.csv"], "--factors", dir["f4.csv"], "--metrics", "beta-vae"), "use `genomic-code evaluate`");
        AssertOneLineUsageError(Run("score", "--codes", dir["c4.csv"], "--factors", dir["f4.csv"], "--metrics", "nope"), "unknown metric 'nope'");
        AssertOneLineUsageError(Run("score", "--factors", dir["f4.csv"]), "--codes");
        AssertOneLineUsageError(Run("score", "--codes", dir["missing.npy"], "--factors", dir["f4.csv"]), "does not exist");
    }

    [Fact]
    public void Should_FailWithOneLine_When_RunFolderHasNoCheckpoint()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["run"]);
        File.WriteAllText(Path.Combine(dir["run"], "config.json"), "{}");
        AssertOneLineUsageError(Run("evaluate", "--run", dir["run"]), "has no checkpoint.bin");
        AssertOneLineUsageError(Run("evaluate", "--run", dir["nothing"]), "does not exist");
        AssertOneLineUsageError(Run("evaluate"), "--run");
    }

    [Fact]
    public void Should_WriteEvaluationJsonAndFigures_When_EvaluatingATrainedRun()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["tiny.json"], """
            { "name": "tiny", "model": { "latentSize": 3, "hiddenSize": 32 },
              "training": { "steps": 4, "batchSize": 4, "learningRate": 0.01, "checkpointEvery": 4, "logEvery": 2, "device": "cpu" } }
            """);
        // Learning rate 0.01 (not 0.001) so that the 4-step model has latents with mean KL above 0.01, which UDR uses.
        Assert.Equal(0, Run("train", "--preset", dir["tiny.json"], "--out", dir["run"]).Code);
        var r = Run("evaluate", "--run", dir["run"], "--metrics", "mig,factor-vae,modularity", "--num-train", "64", "--num-test", "32",
            "--num-votes", "16", "--udr-with", dir["run"]);
        Assert.True(r.Code == 0, r.Output);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir["run"], "evaluation.json")));
        Assert.Equal(4, doc.RootElement.GetProperty("step").GetInt64());
        Assert.Equal("posterior_mean", doc.RootElement.GetProperty("representation").GetString());
        var metrics = doc.RootElement.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("options"));
        Assert.Equal(new[] { "factor-vae", "mig", "modularity" }, metrics.Keys.Order());
        Assert.Equal((16, 8), (metrics["factor-vae"].GetProperty("numTrain").GetInt32(), metrics["factor-vae"].GetProperty("numTest").GetInt32()));
        Assert.Equal(64, metrics["factor-vae"].GetProperty("numVarianceEstimate").GetInt32());
        Assert.Equal(64, metrics["mig"].GetProperty("numTrain").GetInt32());
        Assert.Equal(32, metrics["modularity"].GetProperty("numTest").GetInt32());
        // UDR against itself (seeds would differ in real use): the lasso (alpha 0.1) predicting each standardised active
        // latent from the same latents returns 0.9 on that latent and 0 elsewhere, so every pair scores 0.9^2 / 0.9.
        Assert.Equal(0.9, doc.RootElement.GetProperty("udr").GetDouble(), 0.005);
        foreach (string key in new[] { "mig", "factor_vae_score", "modularity", "explicitness" })
            Assert.True(double.IsFinite(doc.RootElement.GetProperty(key).GetDouble()), key);
        Assert.Equal(3, doc.RootElement.GetProperty("normalized_mutual_information").GetArrayLength());
        foreach (string f in new[] { "evaluation.png", "mutual_information.png", "training_curves.png" })
            Assert.True(new FileInfo(Path.Combine(dir["run"], f)).Length > 1000, f);
        var s = Run("evaluate", "--run", dir["run"], "--metrics", "mig", "--num-train", "64", "--num-test", "32", "--samples");
        Assert.True(s.Code == 0, s.Output);
        Assert.Contains("posterior_sample", File.ReadAllText(Path.Combine(dir["run"], "evaluation.json")));
    }

    [Fact]
    public void Should_WriteTheLogLikelihoodBound_When_EvaluatingWithLogLikelihood()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["tiny.json"], """
            { "name": "tiny", "model": { "latentSize": 3, "hiddenSize": 32 },
              "training": { "steps": 2, "batchSize": 4, "learningRate": 0.01, "checkpointEvery": 2, "logEvery": 2, "device": "cpu" } }
            """);
        Assert.Equal(0, Run("train", "--preset", dir["tiny.json"], "--out", dir["run"]).Code);
        var r = Run("evaluate", "--run", dir["run"], "--log-likelihood", "--importance-samples", "4", "--likelihood-images", "6", "--num-train", "64");
        Assert.True(r.Code == 0, r.Output);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir["run"], "evaluation.json")));
        var root = doc.RootElement;
        double nats = root.GetProperty("log_likelihood_nats").GetDouble();
        // A log-likelihood of binary images: finite and below 0.
        Assert.True(double.IsFinite(nats) && nats < 0, $"{nats}");
        Assert.True(root.GetProperty("log_likelihood_nats_standard_error").GetDouble() > 0);
        Assert.Equal(4, root.GetProperty("log_likelihood_importance_samples").GetInt32());
        Assert.Equal(6, root.GetProperty("log_likelihood_images").GetInt32());
        Assert.Equal(0, root.GetProperty("metrics").GetArrayLength());     // only the bound: no metric was named
        Assert.False(File.Exists(Path.Combine(dir["run"], "evaluation.png")));
        AssertOneLineUsageError(Run("evaluate", "--run", dir["run"], "--importance-samples", "4"), "need --log-likelihood");
        AssertOneLineUsageError(Run("evaluate", "--run", dir["run"], "--log-likelihood", "--importance-samples", "0"), "--importance-samples");
    }
}

[Collection(TorchCollection.Name)]
public class AnalyzeCliTests
{
    [Fact]
    public void Should_WriteAnalysisJsonAndFigures_When_AnalysingATrainedRun()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["tiny.json"], """
            { "name": "tiny", "model": { "latentSize": 3, "hiddenSize": 32 },
              "training": { "steps": 2, "batchSize": 4, "learningRate": 0.001, "checkpointEvery": 2, "logEvery": 1, "device": "cpu" } }
            """);
        Assert.Equal(0, Run("train", "--preset", dir["tiny.json"], "--out", dir["run"]).Code);
        var r = Run("analyze", "--run", dir["run"], "--population", "4", "--mutants", "4", "--noise", "1");
        Assert.True(r.Code == 0, r.Output);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir["run"], "analysis.json")));
        Assert.Equal(3, doc.RootElement.GetProperty("effect_matrix_jacobian").GetArrayLength());
        Assert.Equal(5, doc.RootElement.GetProperty("effect_matrix_jacobian")[0].GetArrayLength());
        Assert.Equal(3, doc.RootElement.GetProperty("pleiotropy").GetArrayLength());
        Assert.Equal("gaussian", doc.RootElement.GetProperty("genome_kind").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("mutational").GetArrayLength()); // k = 1, 2, 3
        foreach (string f in new[] { "effect_matrix.png", "epistasis.png", "robustness.png", "phenotypic_variance.png", "effect_spectrum.png" })
            Assert.True(new FileInfo(Path.Combine(dir["run"], f)).Length > 1000, f);
        // The conv decoder has no developmental process: no noise level applies, and the file says why.
        Assert.Equal(0, doc.RootElement.GetProperty("developmental_noise").GetArrayLength());
        Assert.StartsWith("not defined", doc.RootElement.GetProperty("canalisation").GetString());
        Assert.Contains("canalisation: not defined", r.Output);
        Assert.False(File.Exists(Path.Combine(dir["run"], "developmental_noise.png")));
        string written = File.ReadAllText(Path.Combine(dir["run"], "analysis.json"));
        foreach (var (noise, expected) in new[] { ("loud", "--noise: 'loud'"), ("0.5,x", "--noise: 'x'") })
            AssertOneLineUsageError(Run("analyze", "--run", dir["run"], "--noise", noise), expected);
        Assert.Equal(written, File.ReadAllText(Path.Combine(dir["run"], "analysis.json")));   // nothing written by a refused run
        Directory.CreateDirectory(dir["empty"]);
        File.WriteAllText(Path.Combine(dir["empty"], "config.json"), "{}");
        Assert.Equal(2, Run("analyze", "--run", dir["empty"]).Code);
    }
}
