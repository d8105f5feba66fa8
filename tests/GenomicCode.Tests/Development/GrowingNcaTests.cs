using GenomicCode.Core;
using GenomicCode.Development;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Development;

[Collection(TorchCollection.Name)]
public class GrowingNcaTests
{
    private static GrowingNca Small(int channels = 5, double fireRate = 1.0) =>
        new(new GrowingNcaOptions { Channels = channels, HiddenSize = 4, FireRate = fireRate }, seed: 1);

    [Fact]
    public void Should_PerceiveIdentityAndSobelOverEight_When_GivenAHandMadeGrid()
    {
        // Given channel 0 = [[1, 2, 3], [4, 5, 6], [7, 8, 9]] and the other channels zero
        using var nca = Small();
        using var state = torch.zeros(1, 5, 3, 3);
        state[0, 0] = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }).view(3, 3);

        // When it perceives
        using var p = nca.Perceive(state);

        // Then per channel: identity, Sobel x / 8, Sobel y / 8 (zero padding). Centre: x = ((3-1) + 2(6-4) + (9-7)) / 8 = 1,
        // y = ((7+16+9) - (1+4+3)) / 8 = 3. Corner (0, 0) sees [[0,0,0],[0,1,2],[0,4,5]]: x = (2*2 + 5) / 8, y = (8 + 5) / 8.
        Assert.Equal(new long[] { 1, 15, 3, 3 }, p.shape);
        Assert.Equal(5f, p[0, 0, 1, 1].item<float>());
        Assert.Equal(1f, p[0, 1, 1, 1].item<float>(), 6);
        Assert.Equal(3f, p[0, 2, 1, 1].item<float>(), 6);
        Assert.Equal(9f / 8, p[0, 1, 0, 0].item<float>(), 6);
        Assert.Equal(13f / 8, p[0, 2, 0, 0].item<float>(), 6);
        Assert.Equal(0f, p.narrow(1, 3, 12).abs().max().item<float>());
    }

    [Fact]
    public void Should_SetAlphaAndHiddenToOneInTheCentreCell_When_Seeding()
    {
        using var nca = Small(channels: 6);
        using var seed = nca.Seed(2, 5, 4);
        Assert.Equal(new long[] { 2, 6, 5, 4 }, seed.shape);
        Assert.Equal(new float[] { 0, 0, 0, 1, 1, 1 }, seed[1, TensorIndex.Colon, 2, 2].data<float>().ToArray());
        Assert.Equal(3f, seed.sum().item<float>() / 2);  // nothing else
    }

    [Fact]
    public void Should_ZeroEveryCellWithoutALivingNeighbourhood_When_Stepping()
    {
        // Given a fresh automaton (zero last layer: the update is 0) and a 5x5 state: a living cell at (2, 2), a cell
        // with alpha 0.05 at (0, 0), hidden values 3 at (1, 1) next to the living cell and 2 at (4, 4) far from it
        using var nca = Small();
        using var state = torch.zeros(1, 5, 5, 5);
        state[0, 3, 2, 2] = torch.tensor(1f);
        state[0, 4, 2, 2] = torch.tensor(7f);
        state[0, 3, 0, 0] = torch.tensor(0.05f);
        state[0, 4, 0, 0] = torch.tensor(5f);
        state[0, 4, 1, 1] = torch.tensor(3f);
        state[0, 4, 4, 4] = torch.tensor(2f);

        // When it steps
        using var g = new Generator(0, CPU);
        using var next = nca.Step(state, g);

        // Then only the living cell and its neighbour keep their values (alpha > 0.1 in the 3x3 neighbourhood before and after)
        Assert.Equal(1f, next[0, 3, 2, 2].item<float>());
        Assert.Equal(7f, next[0, 4, 2, 2].item<float>());
        Assert.Equal(3f, next[0, 4, 1, 1].item<float>());
        Assert.Equal(0f, next[0, 3, 0, 0].item<float>());
        Assert.Equal(0f, next[0, 4, 0, 0].item<float>());
        Assert.Equal(0f, next[0, 4, 4, 4].item<float>());
        Assert.Equal(11f, next.sum().item<float>(), 5);
    }

    [Fact]
    public void Should_AverageTheSquaredRgbaErrorPerOrganism_When_ComputingTheLoss()
    {
        // Given two 1x1 organisms of 5 channels: RGBA (1, 0, 0, 1) and (0, 0, 0, 0), hidden 9, and the target (1, 0, 0, 1)
        using var state = torch.tensor(new float[] { 1, 0, 0, 1, 9, 0, 0, 0, 0, 9 }, new long[] { 2, 5, 1, 1 });
        using var target = torch.tensor(new float[] { 1, 0, 0, 1 }, new long[] { 1, 4, 1, 1 });
        // Then the loss is the mean over RGBA of the squared error, hidden channels left out: 0 and (1 + 1) / 4
        Assert.Equal(new float[] { 0f, 0.5f }, GrowingNca.Loss(state, target).data<float>().ToArray());
        var e = Assert.Throws<UserInputException>(() => GrowingNca.Loss(state, torch.zeros(1, 3, 1, 1)));
        Assert.Contains("RGBA", e.Message);
    }

    [Fact]
    public void Should_BuildTheSameWeights_When_TheSeedIsTheSame()
    {
        using var a = Small();
        using var b = Small();
        foreach (var (x, y) in a.parameters().Zip(b.parameters())) Assert.True(x.allclose(y, 0, 0));
        Assert.Equal(0f, a.parameters().Last().abs().sum().item<float>());   // the last layer starts at zero
    }
}
