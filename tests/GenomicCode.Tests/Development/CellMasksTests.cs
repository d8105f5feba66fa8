using GenomicCode.Core;
using GenomicCode.Numerics;
using GenomicCode.Development;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Development;

[Collection(TorchCollection.Name)]
public class CellMasksTests
{
    [Fact]
    public void Should_MarkTheNeighbourhoodOfLivingCells_When_OneCellIsAboveTheThreshold()
    {
        // Given a 4x5 plane with one value above 0.1 at (1, 3) and one at exactly 0.1 at (3, 0)
        var values = new float[20];
        values[1 * 5 + 3] = 0.5f;
        values[3 * 5 + 0] = 0.1f;
        using var plane = torch.tensor(values, new long[] { 1, 1, 4, 5 });

        // When the alive mask is taken
        var mask = CellMasks.Alive(plane, 0.1).data<float>().ToArray();

        // Then rows 0..2 x columns 2..4 are alive (the grid's edge cuts the 3x3 block), nothing else
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 5; x++)
                Assert.Equal(y <= 2 && x >= 2 ? 1f : 0f, mask[y * 5 + x]);
    }

    [Fact]
    public void Should_EqualMaxPooling_When_PlanesAreRandom()
    {
        using var g = new Generator(4);
        using var plane = torch.randn(new long[] { 3, 1, 7, 9 }, generator: g).Mul(0.3);
        using var expected = nn.functional.max_pool2d(plane, 3, 1, 1).Gt(0.1).to(ScalarType.Float32);
        using var actual = CellMasks.Alive(plane, 0.1);
        Assert.True(expected.eq(actual).all().item<bool>());
        Assert.InRange(actual.mean().item<float>(), 0.2, 0.95); // a mix of living and dead cells: not a trivial comparison
    }
}
