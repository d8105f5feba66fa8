using GenomicCode.Numerics;
using GenomicCode.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Numerics;

public class HeldScalarOptimizersTests
{
    // A small regression problem: the same data, starting weights and gradients for both optimizers.
    private static (Linear Model, Tensor X, Tensor Y) Problem()
    {
        var model = nn.Linear(3, 2);
        using (no_grad())
        {
            model.weight!.copy_(tensor(new float[] { 0.5f, -1, 2, 1, 0.25f, -0.5f }).view(2, 3));
            model.bias!.copy_(tensor(new float[] { 0.1f, -0.2f }));
        }
        var x = tensor(new float[] { 1, 2, 3, -1, 0, 1, 2, -2, 0.5f, 0, 1, -1 }).view(4, 3);
        var y = tensor(new float[] { 1, 0, -1, 2, 0.5f, 0.5f, 3, -3 }).view(4, 2);
        return (model, x, y);
    }

    private static float[] Train(Func<IEnumerable<Parameter>, optim.Optimizer> make, int steps)
    {
        var (model, x, y) = Problem();
        using var optimizer = make(model.parameters());
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            (model.forward(x) - y).pow(2).mean().backward();
            optimizer.step();
        }
        return model.weight!.data<float>().Concat(model.bias!.data<float>()).ToArray();
    }

    [Theory]
    [InlineData(0.0, false, false)]
    [InlineData(0.01, false, false)]
    [InlineData(0.0, true, false)]
    [InlineData(0.0, false, true)]
    public void Should_MatchTorchSharpAdamExactly_When_TrainingTheSameModel(double weightDecay, bool amsgrad, bool maximize)
    {
        var theirs = Train(p => optim.Adam(p, 0.05, 0.8, 0.99, 1e-6, weightDecay, amsgrad, maximize), 25);
        var ours = Train(p => new HeldScalarOptimizers.Adam(p, 0.05, 0.8, 0.99, 1e-6, weightDecay, amsgrad, maximize), 25);
        Assert.Equal(theirs, ours); // bit for bit: same operations in the same order
        var start = Problem().Model.weight!.data<float>().ToArray();
        Assert.NotEqual(start, ours.Take(6).ToArray()); // and it did move the weights
    }

    [Fact]
    public void Should_ContinueLikeTorchSharpAdam_When_ItsStateIsLoadedIntoOne()
    {
        // Train 10 steps with ours, hand the state to TorchSharp's Adam and train 10 more: the same as 20 steps of TorchSharp's.
        var (model, x, y) = Problem();
        using var ours = new HeldScalarOptimizers.Adam(model.parameters(), 0.05);
        void Step(optim.Optimizer o)
        {
            using var scope = NewDisposeScope();
            o.zero_grad();
            (model.forward(x) - y).pow(2).mean().backward();
            o.step();
        }
        for (int i = 0; i < 10; i++) Step(ours);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) ours.save_state_dict(writer);
        stream.Position = 0;
        using var theirs = optim.Adam(model.parameters(), 0.05);
        using (var reader = new BinaryReader(stream)) theirs.load_state_dict(reader);
        for (int i = 0; i < 10; i++) Step(theirs);
        var handedOver = model.weight!.data<float>().ToArray();
        Assert.Equal(Train(p => optim.Adam(p, 0.05), 20).Take(6), handedOver);
    }
}
