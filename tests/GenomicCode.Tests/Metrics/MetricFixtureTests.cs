using System.Text.Json;
using GenomicCode.Data;
using GenomicCode.Metrics;

namespace GenomicCode.Tests.Metrics;

/// <summary>
/// Golden fixtures: codes and factors with the scores disentanglement_lib's own functions give them (scikit-learn
/// 1.2.1; Metrics/Fixtures/make_fixtures.py, command in Metrics/Fixtures/README.md). The first half of the rows trains,
/// the second tests, as <c>genomic-code score</c> splits them.
/// </summary>
public class MetricFixtureTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Metrics", "Fixtures", name);

    private static readonly JsonElement Reference = JsonDocument.Parse(File.ReadAllText(Fixture("reference.json"))).RootElement;

    public static TheoryData<string> Cases() => new("factors_noise", "linear_mixture", "partial", "world_ground_truth");

    // DCI fits 100 boosting stages per factor: the ground-truth case (DCI exactly 1 there) is left out to keep the suite fast.
    public static TheoryData<string> DciCases() => new("factors_noise", "linear_mixture", "partial");

    private static (LabelledCodes Train, LabelledCodes Test) Load(string name) =>
        CodeFiles.SplitHalves(CodeFiles.Load(Fixture(name + "_codes.npy"), Fixture(name + "_factors.npy")));

    internal static double Expected(string name, string score) => Reference.GetProperty("cases").GetProperty(name).GetProperty(score).GetDouble();

    private static double[,] ExpectedMatrix(string name, string matrix)
    {
        var rows = Reference.GetProperty("cases").GetProperty(name).GetProperty(matrix).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var m = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[0].Length; j++) m[i, j] = rows[i][j];
        return m;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_MatchDisentanglementLibExactly_When_ScoringMigAndModularity(string name)
    {
        var (train, test) = Load(name);
        Assert.Equal(Expected(name, "mig"), new Mig().Score(train, test, 0)["mig"], 9);
        Assert.Equal(Expected(name, "modularity"), new ModularityExplicitness().Score(train, test, 0)["modularity"], 9);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_MatchDisentanglementLibSap_When_ScoringFixture(string name)
    {
        var (train, test) = Load(name);
        // Measured: every entry of the score matrix equal (the same test rows are classified the same way).
        var expected = ExpectedMatrix(name, "sap_score_matrix");
        var s = Sap.ScoreMatrix(train, test, 0);
        for (int i = 0; i < s.GetLength(0); i++)
            for (int j = 0; j < s.GetLength(1); j++) Assert.True(Math.Abs(expected[i, j] - s[i, j]) <= 0.005, $"S[{i},{j}] = {s[i, j]}, reference {expected[i, j]}");
        Assert.Equal(Expected(name, "sap"), Sap.FromScoreMatrix(s), 0.005);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_MatchDisentanglementLibExplicitness_When_ScoringFixture(string name)
    {
        var (train, test) = Load(name);
        // Measured difference: below 2e-6 (scikit-learn stops L-BFGS after 100 iterations, we at the optimum).
        Assert.Equal(Expected(name, "explicitness"), ModularityExplicitness.Explicitness(train, test, 0), 1e-4);
    }

    [Theory]
    [MemberData(nameof(DciCases))]
    public void Should_MatchDisentanglementLibDci_When_ScoringFixture(string name)
    {
        var (train, test) = Load(name);
        var (importance, informativeness) = Dci.Importances(train, test, new DciOptions(), 0);
        // Measured differences: up to 2e-3; scikit-learn's own scores move by up to 3e-3 with numpy's seed (random
        // feature order breaks ties between equally good splits).
        Assert.Equal(Expected(name, "dci_disentanglement"), Dci.Disentanglement(importance), 0.01);
        Assert.Equal(Expected(name, "dci_completeness"), Dci.Completeness(importance), 0.01);
        Assert.Equal(Expected(name, "dci_informativeness"), informativeness, 0.01);
        var expected = ExpectedMatrix(name, "dci_importance");
        for (int i = 0; i < importance.GetLength(0); i++)
            for (int j = 0; j < importance.GetLength(1); j++)
                Assert.True(Math.Abs(expected[i, j] - importance[i, j]) <= 0.02, $"R[{i},{j}] = {importance[i, j]}, reference {expected[i, j]}");
    }

    [Theory]
    [InlineData("lasso", 1e-9)]
    [InlineData("spearman", 1e-9)]
    public void Should_MatchDisentanglementLibUdr_When_ScoringFixtureModels(string correlation, double tolerance)
    {
        var codes = Enumerable.Range(0, 4).Select(m => Npy.Read(Fixture($"udr_model{m}_codes.npy")).ToMatrix("codes")).ToList();
        var active = Enumerable.Range(0, 4).Select(m => Npy.Read(Fixture($"udr_model{m}_kl.npy")).Values.Select(v => v > 0.01).ToArray()).ToList();
        var reference = Reference.GetProperty("udr").GetProperty(correlation);
        var pairwise = Udr.PairwiseScores(codes, active, correlation);
        var expected = reference.GetProperty("pairwise").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
                Assert.True(Math.Abs(expected[a][b] - pairwise[a, b]) <= tolerance, $"pair ({a}, {b}) = {pairwise[a, b]}, reference {expected[a][b]}");
        var scores = Udr.ModelScores(codes, active, correlation);
        var expectedScores = reference.GetProperty("model_scores").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (int m = 0; m < 4; m++) Assert.Equal(expectedScores[m], scores[m], tolerance);
    }
}
