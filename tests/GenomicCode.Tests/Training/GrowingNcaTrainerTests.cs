using GenomicCode.Core;
using GenomicCode.Development;
using GenomicCode.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenomicCode.Tests.Training;

[Collection(TorchCollection.Name)]
public class GrowingNcaTrainerTests
{
    /// <summary>An 8x8 target: an opaque orange 4x4 square (premultiplied RGBA (1, 0.5, 0, 1)) in the middle.</summary>
    internal static Tensor SquareTarget()
    {
        var t = torch.zeros(1, 4, 8, 8);
        using var square = torch.tensor(new float[] { 1, 0.5f, 0, 1 }).view(1, 4, 1, 1).expand(1, 4, 4, 4);
        t.narrow(2, 2, 4).narrow(3, 2, 4).copy_(square);
        return t;
    }

    private static GrowingNcaTrainingOptions Tiny(int damaged = 1, int pool = 16) => new()
    {
        TargetSize = 4, TargetPadding = 2, Automaton = new GrowingNcaOptions { Channels = 8, HiddenSize = 32 },
        PoolSize = pool, MinSteps = 6, MaxSteps = 8, Damaged = damaged,
    };

    [Fact]
    public void Should_CutOutTheCellsInsideTheDisc_When_MakingADiscMask()
    {
        // Given a 5x5 grid, coordinates -1, -0.5, 0, 0.5, 1, a disc of radius 0.6 at the centre: x^2 + y^2 < 0.36
        var mask = GrowingNcaTrainer.DiscMask(5, 5, 0, 0, 0.6);
        // Then the centre and its four neighbours at distance 0.5 are inside; the diagonals (0.707) are not
        Assert.Equal(new float[]
        {
            0, 0, 0, 0, 0,
            0, 0, 1, 0, 0,
            0, 1, 1, 1, 0,
            0, 0, 1, 0, 0,
            0, 0, 0, 0, 0,
        }, mask);
        // And a disc centred at (x 1, y -1) with radius 0.5 holds only the top-right corner (the next cells are 0.5 away)
        Assert.Equal(1f, GrowingNcaTrainer.DiscMask(5, 5, 1, -1, 0.5)[4]);
        Assert.Equal(1f, GrowingNcaTrainer.DiscMask(5, 5, 1, -1, 0.5).Sum());
    }

    [Fact]
    public void Should_DrawDiscsInTheArticlesRanges_When_Damaging()
    {
        var random = new Random(3);
        for (int i = 0; i < 200; i++)
        {
            var (cx, cy, r) = GrowingNcaTrainer.RandomDisc(random);
            Assert.InRange(cx, -0.5, 0.5);
            Assert.InRange(cy, -0.5, 0.5);
            Assert.InRange(r, 0.1, 0.4);
        }
        // Keep masks are 1 - the disc of the same draws
        using var keep = GrowingNcaTrainer.KeepMasks(new Random(5), 2, 6, 6);
        var again = new Random(5);
        for (int k = 0; k < 2; k++)
        {
            var (cx, cy, r) = GrowingNcaTrainer.RandomDisc(again);
            var disc = GrowingNcaTrainer.DiscMask(6, 6, cx, cy, r);
            Assert.Equal(disc.Select(v => 1f - v).ToArray(), keep[k, 0].data<float>().ToArray());
        }
    }

    [Fact]
    public void Should_OrderByLossHighestFirst_When_RankingABatch()
    {
        Assert.Equal(new[] { 1, 3, 2, 0 }, GrowingNcaTrainer.ByLossDescending(new[] { 0.1, 0.5, 0.3, 0.5 }));
        var drawn = GrowingNcaTrainer.SampleWithoutReplacement(new Random(1), 10, 10);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), drawn.Order());
    }

    [Fact]
    public void Should_PutTheSeedInPlaceOfTheHighestLossSample_When_ThePoolIsSampled()
    {
        // Given a pool of 4 (all drawn each step), no damage, one developmental step, and pool states with known losses:
        // row 2 is the target itself plus a living hidden cell (loss 0), rows 0, 1 and 3 are blank with alpha 0 at
        // increasing RGB errors; row 3 has the highest loss (its red channel is 3 everywhere, alpha 1 in its corner)
        using var target = SquareTarget();
        var options = Tiny(damaged: 0, pool: 4) with { MinSteps = 1, MaxSteps = 1 };
        using var trainer = new GrowingNcaTrainer(options, new TrainingOptions { BatchSize = 4, Seed = 2, Steps = 1, LearningRate = 1e-3 }, target, CPU);
        using (torch.no_grad())
        {
            trainer.Pool.zero_();
            trainer.Pool[2].narrow(0, 0, 4).copy_(target[0]);
            trainer.Pool[0, 0].fill_(0.5f);
            trainer.Pool[1, 0].fill_(1f);
            trainer.Pool[3, 0].fill_(3f);
            trainer.Pool[3, 3, 0, 0] = torch.tensor(1f);
        }

        // When it trains one step (the last layer is zero before the step, so development only applies the alive mask)
        trainer.TrainStep();

        // Then row 3 holds the seed (its one cell alive), row 2 the target, rows 0 and 1 (no living cell) are cleared
        using var seed = trainer.Model.Seed(1, 8, 8);
        Assert.True(trainer.Pool[3].allclose(seed[0], 0, 0));
        Assert.True(trainer.Pool[2].narrow(0, 0, 4).allclose(target[0], 0, 0));
        Assert.Equal(0f, trainer.Pool.narrow(0, 0, 2).abs().sum().item<float>());
        Assert.Equal(1, trainer.Step);
    }

    [Fact]
    public void Should_DamageTheLowestLossSamples_When_DamageIsOn()
    {
        // Given a pool of 4 states with every channel 1 (all alive; equal losses) but row 0 (red 2: the highest loss),
        // 3 of the 4 damaged per batch, one developmental step
        using var target = SquareTarget();
        var options = Tiny(damaged: 3, pool: 4) with { MinSteps = 1, MaxSteps = 1 };
        using var trainer = new GrowingNcaTrainer(options, new TrainingOptions { BatchSize = 4, Seed = 4, Steps = 1, LearningRate = 1e-3 }, target, CPU);
        using (torch.no_grad())
        {
            trainer.Pool.fill_(1f);
            trainer.Pool[0, 0].fill_(2f);
        }

        // When it trains one step
        trainer.TrainStep();

        // Then row 0 is the seed, and the three others, in the batch's order, lost exactly the cells of the step's discs
        // (drawn after the batch indices from the step's generator; a zero update cannot bring a cut cell back)
        var random = Seeds.Random(4, 3, 0);
        var indices = GrowingNcaTrainer.SampleWithoutReplacement(random, 4, 4);
        using var keep = GrowingNcaTrainer.KeepMasks(random, 3, 8, 8);
        var damagedRows = indices.Where(i => i != 0).ToArray();
        using var seed = trainer.Model.Seed(1, 8, 8);
        Assert.True(trainer.Pool[0].allclose(seed[0], 0, 0));
        for (int k = 0; k < 3; k++)
        {
            using var alive = trainer.Pool[damagedRows[k]].ne(0).any(0).to_type(ScalarType.Float32);  // (8, 8)
            Assert.Equal(keep[k, 0].data<float>().ToArray(), alive.data<float>().ToArray());
        }
    }

    [Fact]
    public void Should_LowerTheLoss_When_TrainingOnATinyTarget()
    {
        using var target = SquareTarget();
        using var trainer = new GrowingNcaTrainer(Tiny(), new TrainingOptions { BatchSize = 4, Seed = 1, Steps = 60, LearningRate = 2e-3 }, target, CPU);
        var losses = Enumerable.Range(0, 60).Select(_ => trainer.TrainStep().Loss).ToArray();
        double first = losses.Take(5).Average(), last = losses.TakeLast(5).Average();
        Assert.True(last < 0.75 * first, $"loss {first:G4} -> {last:G4}");
    }

    [Fact]
    public void Should_DecayTheLearningRate_When_PastTheDecayStep()
    {
        using var target = SquareTarget();
        using var trainer = new GrowingNcaTrainer(Tiny() with { DecayStep = 2, Decay = 0.1 },
            new TrainingOptions { BatchSize = 4, Seed = 1, Steps = 3, LearningRate = 2e-3 }, target, CPU);
        Assert.Equal(new[] { 2e-3, 2e-3, 2e-4 }, new[] { 0L, 1, 2 }.Select(trainer.LearningRateAt).Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Should_RoundTripTheWeightsAndRefuseADamagedFile_When_Checkpointing()
    {
        using var dir = new TempDir();
        using var target = SquareTarget();
        using var trainer = new GrowingNcaTrainer(Tiny(), new TrainingOptions { BatchSize = 4, Seed = 1, Steps = 2 }, target, CPU);
        trainer.TrainStep();
        trainer.TrainStep();
        string path = dir["checkpoint.bin"];
        trainer.Save(path);

        using var loaded = new GrowingNca(Tiny().Automaton, seed: 99);
        Assert.Equal((2L, 1L), GrowingNcaCheckpoint.Load(path, loaded));
        foreach (var (a, b) in trainer.Model.parameters().Zip(loaded.parameters())) Assert.True(a.allclose(b, 0, 0));

        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var damaged = Assert.Throws<UserInputException>(() => GrowingNcaCheckpoint.Load(path, loaded)).Message;
        Assert.True(damaged.Contains("fail their checksum"), damaged);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        Assert.Contains("truncated", Assert.Throws<UserInputException>(() => GrowingNcaCheckpoint.Load(path, loaded)).Message);
        File.WriteAllText(path, "not a checkpoint");
        Assert.Contains("is not a Growing NCA checkpoint", Assert.Throws<UserInputException>(() => GrowingNcaCheckpoint.Load(path, loaded)).Message);
    }

    [Fact]
    public void Should_NameTheField_When_OptionsAreOutOfRange()
    {
        Assert.Contains("growingNca.damaged", Assert.Throws<UserInputException>(() => Tiny(damaged: 4).Validate(4)).Message);
        Assert.Contains("growingNca.poolSize", Assert.Throws<UserInputException>(() => Tiny(pool: 2).Validate(4)).Message);
        Assert.Contains("growingNca.maxSteps", Assert.Throws<UserInputException>(() => (Tiny() with { MaxSteps = 2 }).Validate(4)).Message);
        Assert.Contains("FireRate", Assert.Throws<UserInputException>(() => new GrowingNcaOptions { FireRate = 0 }.Validate()).Message);
    }
}
