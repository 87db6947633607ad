using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>Structure of the training graph: inputs chosen by where PET lives, dropout only when asked, float32 agreeing with float64.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class TrainingGraphTests(TinyModelFixture tiny)
{
    // Columns: spec, text input expected, gradient outputs expected.
    [Theory]
    [InlineData("lora:towers=image,layers=0", ClipGraphNames.TextFeatures, 4)]
    [InlineData("lora:towers=text,layers=1,targets=o", ClipGraphNames.InputIds, 2)]
    [InlineData("adapter:dim=4,towers=both,layers=1", ClipGraphNames.InputIds, 8)]
    public void InputsAndOutputsFollowThePetPlacement(string spec, string textInput, int gradients)
    {
        var layout = new PetLayout(PetSpec.Parse(spec), tiny.Config);
        var model = ClipTrainingGraph.Build(tiny.Frozen, layout);
        var inputs = model.Graph.Input.Select(i => i.Name).ToArray();
        Assert.Equal([ClipGraphNames.PixelValues, ClipGraphNames.Targets, textInput], inputs.Take(3));
        Assert.Equal(layout.Tensors.Select(t => t.Name).Order(), inputs.Skip(3).Order());
        var outputs = model.Graph.Output.Select(o => o.Name).ToArray();
        Assert.Equal([ClipGraphNames.Loss, ClipGraphNames.Logits], outputs.Take(2));
        Assert.Equal(layout.Tensors.Select(t => ClipGraphNames.Gradient(t.Name)).Order(), outputs.Skip(2).Order());
        Assert.Equal(gradients, outputs.Length - 2);
    }

    [Theory]
    [InlineData(true, 4)]
    [InlineData(false, 0)]
    public void AdapterDropoutOnlyWhenEnabled(bool dropout, int nodes)
    {
        var layout = new PetLayout(PetSpec.Parse("adapter:dim=4,dropout=0.1,towers=image"), tiny.Config);
        var model = ClipTrainingGraph.Build(tiny.Frozen, layout, new ClipTrainingOptions { Dropout = dropout });
        Assert.Equal(nodes, model.Graph.Node.Count(n => n.OpType == "Dropout"));
        var eval = ClipVisionGraph.Build(tiny.Frozen, new ClipGraphOptions { Pet = layout });
        Assert.DoesNotContain(eval.Graph.Node, n => n.OpType == "Dropout");
    }

    [Fact]
    public void ActiveDropoutRunsAndChangesTheLoss()
    {
        var parameters = PetParameters.Create(new PetLayout(PetSpec.Parse("adapter:dim=8,scale=1,dropout=0.5,towers=image"), tiny.Config), seed: 3);
        foreach (var t in parameters.Layout.Tensors)
        {
            var random = new Random(t.Name.Length);
            var data = parameters[t.Name];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (float)(random.NextDouble() - 0.5);
            }
        }

        var v = tiny.Config.Vision;
        var losses = new List<double>();
        foreach (bool dropout in new[] { false, true })
        {
            var model = ClipTrainingGraph.Build(tiny.Frozen, parameters.Layout, new ClipTrainingOptions { Dropout = dropout });
            var inputs = TowerForwardTests.Inputs(parameters, ClipPrecision.Float32, model);
            inputs[ClipGraphNames.PixelValues] = (TestInputs.ToFloat(TestInputs.Pixels(71, 3, v.NumChannels, v.ImageSize)), [3, v.NumChannels, v.ImageSize, v.ImageSize]);
            inputs[ClipGraphNames.Targets] = (new long[] { 0, 1, 0 }, [3]);
            var features = ReferenceClip.Normalize(TestInputs.Pixels(72, 1, 1, 8).Take(tiny.Config.ProjectionDim).ToArray());
            inputs[ClipGraphNames.TextFeatures] = (TestInputs.ToFloat([.. features, .. features.Reverse()]), [2, tiny.Config.ProjectionDim]);
            using var runner = new OrtRunner(tiny.Frozen.SaveGraph(model, $"train-dropout-{dropout}-{Guid.NewGuid():N}.onnx"));
            var outputs = runner.Run(inputs);
            Assert.All(outputs.Values.SelectMany(x => x), x => Assert.True(double.IsFinite(x)));
            losses.Add(outputs[ClipGraphNames.Loss][0]);
        }

        Assert.NotEqual(losses[0], losses[1]);
    }

    [Fact]
    public void Float32TrainingGraphsUseTheFusedQuickGeluWhoseBackwardKeepsOnlyItsInput()
    {
        var layout = new PetLayout(PetSpec.Parse("lora:r=2,towers=both"), tiny.Config);
        int layers = tiny.Config.Vision.NumHiddenLayers + tiny.Config.Text.NumHiddenLayers;
        var float32 = ClipTrainingGraph.Build(tiny.Frozen, layout).Graph.Node;
        var fused = float32.Where(n => n.OpType == "QuickGelu").ToArray();
        Assert.Equal(layers, fused.Length);

        // The backward reads each activation's input, not its value (a Shape only, folded once the batch is fixed), and no forward
        // Sigmoid stays alive for it.
        Assert.DoesNotContain(float32, n => n.OpType == "Sigmoid" && !n.Name.StartsWith("backward", StringComparison.Ordinal));
        Assert.All(fused, f => Assert.DoesNotContain(float32, n => n.Name.StartsWith("backward", StringComparison.Ordinal) && n.OpType != "Shape" && n.Input.Contains(f.Output[0])));
        Assert.All(fused, f => Assert.Contains(float32, n => n.Name.StartsWith("backward", StringComparison.Ordinal) && n.Input.Contains(f.Input[0])));
        Assert.DoesNotContain(ClipTrainingGraph.Build(tiny.Frozen, layout, new ClipTrainingOptions { Precision = ClipPrecision.Float64 }).Graph.Node, n => n.OpType == "QuickGelu");
    }

    [Fact]
    public void Float32GraphAgreesWithFloat64()
    {
        var parameters = PetParameters.Create(new PetLayout(PetSpec.Parse("lora:r=2,targets=qkv+o,init=xavier,towers=both"), tiny.Config), seed: 3);
        var results = new Dictionary<ClipPrecision, Dictionary<string, double[]>>();
        var v = tiny.Config.Vision;
        var t = tiny.Config.Text;
        var pixels = TestInputs.Pixels(61, 4, v.NumChannels, v.ImageSize);
        var ids = TestInputs.Ids(62, 3, t.MaxPositionEmbeddings, t.EosTokenId!.Value);
        foreach (var precision in new[] { ClipPrecision.Float32, ClipPrecision.Float64 })
        {
            var model = ClipTrainingGraph.Build(tiny.Frozen, parameters.Layout, new ClipTrainingOptions { Precision = precision });
            var inputs = TowerForwardTests.Inputs(parameters, precision, model);
            inputs[ClipGraphNames.PixelValues] = (TowerForwardTests.Typed(pixels, precision), [4, v.NumChannels, v.ImageSize, v.ImageSize]);
            inputs[ClipGraphNames.Targets] = (new long[] { 0, 2, 1, 2 }, [4]);
            inputs[ClipGraphNames.InputIds] = (ids, [3, t.MaxPositionEmbeddings]);
            using var runner = new OrtRunner(tiny.Frozen.SaveGraph(model, $"train-{precision}-{Guid.NewGuid():N}.onnx"));
            results[precision] = runner.Run(inputs);
        }

        foreach (var (name, f64) in results[ClipPrecision.Float64])
        {
            TowerForwardTests.AssertClose(f64, results[ClipPrecision.Float32][name], 1e-4);
        }
    }
}
