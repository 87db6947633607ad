using System.Text.Json.Nodes;

namespace OnnxOll.Pretraining.Tests;

public sealed class PretrainPartsTests
{
    [Fact]
    public void CropFlipWithoutPadOrFlipIsTheIdentityAndFlipMirrorsRows()
    {
        byte[] image = [.. Enumerable.Range(0, 4 * 3 * 3).Select(i => (byte)i)];
        var output = new byte[image.Length];
        new CropFlipAugmenter(0, false).Apply(image, 4, 3, 3, output, new Random(1));
        Assert.Equal(image, output);

        var flipper = new CropFlipAugmenter(0, true);
        int flipped = 0;
        for (int seed = 0; seed < 20; seed++)
        {
            flipper.Apply(image, 4, 3, 3, output, new Random(seed));
            if (!output.SequenceEqual(image))
            {
                flipped++;
                for (int y = 0; y < 3; y++)
                {
                    for (int x = 0; x < 4; x++)
                    {
                        Assert.Equal(image.AsSpan(((y * 4) + x) * 3, 3).ToArray(), output.AsSpan(((y * 4) + (3 - x)) * 3, 3).ToArray());
                    }
                }
            }
        }

        Assert.InRange(flipped, 4, 16);
    }

    [Fact]
    public void PaddedCropShiftsTheImageAndFillsWithZeros()
    {
        byte[] image = [.. Enumerable.Repeat((byte)200, 8 * 8)];
        var output = new byte[image.Length];
        var augmenter = new CropFlipAugmenter(4, false);
        var shifts = new HashSet<int>();
        for (int seed = 0; seed < 50; seed++)
        {
            augmenter.Apply(image, 8, 8, 1, output, new Random(seed));
            Assert.All(output, b => Assert.True(b is 0 or 200));
            int zeros = output.Count(b => b == 0);
            Assert.InRange(zeros, 0, 64 - 16);
            shifts.Add(zeros);
        }

        Assert.True(shifts.Count > 5, "the crop offset should vary with the draw");
    }

    [Fact]
    public void ScheduleWarmsUpLinearlyThenDecaysByCosineToZero()
    {
        var schedule = new WarmupCosineSchedule(1e-3f, 10, 110);
        Assert.Equal(1e-4f, schedule.At(0), 1e-9f);
        Assert.Equal(1e-3f, schedule.At(9), 1e-9f);
        Assert.Equal(1e-3f, schedule.At(10), 1e-9f);
        Assert.Equal(5e-4f, schedule.At(60), 1e-7f);
        Assert.True(schedule.At(109) < 1e-6f);
        for (long s = 10; s < 109; s++)
        {
            Assert.True(schedule.At(s + 1) <= schedule.At(s));
        }
    }

    [Fact]
    public void BaseClassesAreFixedBySeedAndIndependentOfSampleOrder()
    {
        var labels = Enumerable.Range(0, 100).SelectMany(c => Enumerable.Repeat($"class{c:D3}", 3)).ToArray();
        var a = ClassSelection.Draw(labels, 50, seed: 1);
        var b = ClassSelection.Draw(labels.Reverse(), 50, seed: 1);
        var c = ClassSelection.Draw(labels, 50, seed: 2);
        Assert.Equal(50, a.Count);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(a.Order(StringComparer.Ordinal), a);
        Assert.Equal(100, ClassSelection.Draw(labels, 0, 1).Count);
        Assert.Throws<InvalidDataException>(() => ClassSelection.Draw(labels, 101, 1));
    }

    [Fact]
    public void RecipeSettingsRefuseUnknownFieldsAndBadValuesNamingThem()
    {
        var unknown = Assert.Throws<InvalidDataException>(() => PretrainSettings.FromJson(new JsonObject { ["epoch"] = 3 }, "Recipe 'r.json'"));
        Assert.Contains("pretrain.epoch", unknown.Message, StringComparison.Ordinal);
        var bad = Assert.Throws<InvalidDataException>(() => PretrainSettings.FromJson(new JsonObject { ["lr"] = -1 }, "Recipe 'r.json'"));
        Assert.Contains("pretrain.lr", bad.Message, StringComparison.Ordinal);
        var template = Assert.Throws<InvalidDataException>(() => PretrainSettings.FromJson(new JsonObject { ["templates"] = new JsonArray("no slot") }, "Recipe 'r.json'"));
        Assert.Contains("pretrain.templates", template.Message, StringComparison.Ordinal);
        var settings = PretrainSettings.FromJson(new JsonObject { ["epochs"] = 3, ["batch"] = 64 }, "r");
        Assert.Equal(settings.ToJson().ToJsonString(), PretrainSettings.FromJson(settings.ToJson(), "r").ToJson().ToJsonString());
    }

    // Columns: field, JSON value of the wrong type, what the message says (expected vs actual in words, no .NET type name).
    [Theory]
    [InlineData("epochs", "\"x\"", "field 'pretrain.epochs' is a string (\"x\"), expected an integer")]
    [InlineData("lr", "\"fast\"", "field 'pretrain.lr' is a string (\"fast\"), expected a number")]
    [InlineData("flip", "\"yes\"", "field 'pretrain.flip' is a string (\"yes\"), expected true or false")]
    [InlineData("templates", "\"a {}\"", "field 'pretrain.templates' is a string (\"a {}\"), expected an array of strings")]
    [InlineData("templates", "[3]", "field 'pretrain.templates' is a number (3), expected a string")]
    public void RecipeFieldOfTheWrongTypeSaysWhatWasExpected(string field, string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => PretrainSettings.FromJson(new JsonObject { [field] = JsonNode.Parse(json) }, "Recipe 'r.json'"));
        Assert.Equal($"Recipe 'r.json': {expected}.", error.Message);
    }
}
