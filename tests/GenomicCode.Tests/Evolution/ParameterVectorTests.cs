using GenomicCode.Core;
using GenomicCode.Development;
using GenomicCode.Evolution;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Evolution;

[Collection(TorchCollection.Name)]
public class ParameterVectorTests
{
    [Fact]
    public void Should_SetKnownParameterValues_When_WritingAKnownVector()
    {
        // Given a Linear(2 -> 2): weight (2, 2) then bias (2), six values
        using var linear = nn.Linear(2, 2);
        var vector = new ParameterVector(linear);
        Assert.Equal(6, vector.Length);
        Assert.Equal(new[] { "weight", "bias" }, vector.Layout.Select(s => s.Name));
        Assert.Equal(new long[] { 0, 4 }, vector.Layout.Select(s => s.Offset));

        // When 0..5 is written
        using var values = torch.arange(6, dtype: ScalarType.Float64);
        vector.Write(values);

        // Then the weight is [[0, 1], [2, 3]] (row-major) and the bias [4, 5], in the parameters' own dtype
        Assert.Equal(new float[] { 0, 1, 2, 3 }, linear.weight!.data<float>().ToArray());
        Assert.Equal(new float[] { 4, 5 }, linear.bias!.data<float>().ToArray());
        Assert.Equal(ScalarType.Float32, linear.weight!.dtype);
    }

    [Fact]
    public void Should_RoundTrip_When_ReadingAndWritingADecoder()
    {
        // Given a GRN decoder and its flat weights
        torch.random.manual_seed(3);
        using var grn = new GrnDecoder(3, (1, 8, 8), new GrnOptions { Steps = 2, Channels = 4, Morphogens = 1, HiddenSize = 8 });
        var vector = new ParameterVector(grn);
        using var original = vector.Read();
        Assert.Equal(vector.Length, original.shape[0]);
        Assert.Equal(grn.parameters().Sum(p => p.numel()), vector.Length);

        // When other values are written, then the original ones
        using var other = torch.full(vector.Length, 0.25f);
        vector.Write(other);
        using (var read = vector.Read()) Assert.True(read.eq(other).all().item<bool>());
        vector.Write(original);

        // Then every parameter is back, and the order is the state dict's (buffers left out)
        using var again = vector.Read();
        Assert.True(again.eq(original).all().item<bool>());
        var parameterNames = grn.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Equal(grn.state_dict().Keys.Where(parameterNames.Contains), vector.Layout.Select(s => s.Name));
        Assert.Equal(vector.Length, vector.Layout[^1].Offset + vector.Layout[^1].Length);
    }

    [Fact]
    public void Should_LeaveOutFrozenParameters_When_Flattening()
    {
        using var linear = nn.Linear(2, 2);
        linear.bias!.requires_grad = false;
        var vector = new ParameterVector(linear);
        Assert.Equal(4, vector.Length);
        Assert.Equal(new[] { "weight" }, vector.Layout.Select(s => s.Name));
    }

    [Fact]
    public void Should_ThrowOneLineErrorAndChangeNothing_When_VectorHasTheWrongLength()
    {
        using var linear = nn.Linear(2, 2);
        var vector = new ParameterVector(linear);
        using var before = vector.Read();
        using var wrong = torch.zeros(5);
        var e = Assert.Throws<UserInputException>(() => vector.Write(wrong));
        Assert.Contains("6 trainable values", e.Message);
        Assert.Contains("(5)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        using var matrix = torch.zeros(2, 3);
        Assert.Throws<UserInputException>(() => vector.Write(matrix));
        using var after = vector.Read();
        Assert.True(after.eq(before).all().item<bool>());
    }

    [Fact]
    public void Should_EvaluateEveryRowAndRestoreTheWeights_When_EvaluatingAPopulation()
    {
        // Given a Linear(2 -> 2) and three weight vectors
        using var linear = nn.Linear(2, 2);
        var vector = new ParameterVector(linear);
        using var before = vector.Read();
        using var population = torch.tensor(new double[] { 0, 1, 2, 3, 4, 5, 1, 1, 1, 1, 1, 1, -1, 0, 0, 0, 0, 2 }, new long[] { 3, 6 });
        using var input = torch.tensor(new float[] { 1, 1 }).view(1, 2);
        int calls = 0;

        // When each is scored by sum(linear(1, 1)), twice
        using (var first = vector.EvaluatePopulation(population, () => linear.forward(input).sum())) { } // libtorch allocates once, for good
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using var scores = vector.EvaluatePopulation(population, () => { calls++; return linear.forward(input).sum(); });
        Assert.Equal(live + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount); // only the scores remain

        // Then: w [[0,1],[2,3]] b [4,5] -> (1 + 4) + (5 + 5) = 15; all ones -> 3 + 3 = 6; -1 + 0 + 0 + 2 = 1
        Assert.Equal(3, calls);
        Assert.Equal(new[] { 15.0, 6.0, 1.0 }, scores.data<double>().ToArray());
        using (var after = vector.Read()) Assert.True(after.eq(before).all().item<bool>());
        using var wrong = torch.zeros(3, 5);
        Assert.Throws<UserInputException>(() => vector.EvaluatePopulation(wrong, () => linear.forward(input).sum()));
    }
}
