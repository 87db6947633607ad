using System.Text.Json;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Serving.Tests;

/// <summary>serve's predictions route with a DDAS run's router: an image it sends to the frozen model gets the zero-shot probabilities,
/// and /v1/predict names the model that served it.</summary>
public sealed class DdasRoutingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string[] Classes = ["red", "green", "blue"];

    [Fact]
    public void APredictionRoutedToTheFrozenModelIsTheZeroShotOne()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(ServerFixture.Pet));
        using var predictor = new Predictor(model, ["a photo of a {}."]);
        var pet = RandomPet.Create(model.Config, ServerFixture.Pet, 0.5, 3);
        var image = ImageDecoder.Decode(ColourImages.Bmp(1, 7), "green.bmp");
        var zeroShot = predictor.Predict(image, Classes, PetSnapshot.Copy(0, 0, PetParameters.Zero(model.Layout), []));
        var learned = predictor.Predict(image, Classes, PetSnapshot.Copy(1, 4, pet, []));
        Assert.Null(learned.Route);
        Assert.NotEqual(Pairs(zeroShot), Pairs(learned));

        int dim = model.Config.ProjectionDim;
        var autoencoder = new RoutingAutoencoder(new float[dim * 2], new float[2], new float[2 * dim], new float[dim]) { Threshold = -1 };
        var routed = PetSnapshot.Copy(1, 4, pet, [], new AutoencoderRouter([autoencoder]));
        var toFrozen = predictor.Predict(image, Classes, routed);
        Assert.Equal(InputRoute.Frozen, toFrozen.Route);
        Assert.Equal(Pairs(zeroShot), Pairs(toFrozen));

        autoencoder.Threshold = float.PositiveInfinity;
        var toLearned = predictor.Predict(image, Classes, routed);
        Assert.Equal(InputRoute.Learned, toLearned.Route);
        Assert.Equal(Pairs(learned), Pairs(toLearned));
    }

    [Fact]
    public async Task ServeWithDdasRoutesPredictionsWithTheLatestCheckpointsRouter()
    {
        var options = fixture.Options("ddas") with { MaxWait = TimeSpan.FromSeconds(30) };
        options = options with { Learner = options.Learner with { Methods = [MethodSpec.Parse("ddas:hidden=4,samples=16")] } };
        string latest;
        JsonElement result;
        AutoencoderRouter router;
        await using (var server = await LiveServer.StartAsync(options))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            for (int i = 0; i < 8; i++)
            {
                await ServiceClient.Observe(http, Classes[i % 3], ColourImages.Bmp(i % 3, i));
            }

            await ServiceClient.WaitUntilLearned(http, 8, TimeSpan.FromMinutes(2));
            latest = Path.GetFileName(new Storage.Checkpoints.CheckpointStore(options.RunDirectory).LoadLatest(null, null).ManifestPath!);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            while ((await ServiceClient.Status(http)).GetProperty("checkpoint").GetString() != latest && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
                latest = Path.GetFileName(new Storage.Checkpoints.CheckpointStore(options.RunDirectory).LoadLatest(null, null).ManifestPath!);
            }

            result = await ServiceClient.Json(await http.PostAsync("/v1/predict", ServiceClient.Raw(ColourImages.Bmp(1, 99))));
            router = DistributionSelector.LoadRouter(options.RunDirectory)!;
        }

        Assert.Single(router.Autoencoders);
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(ServerFixture.Pet));
        using var classifier = new ClipClassifier(model);
        var frozen = classifier.Embed(ImageDecoder.Decode(ColourImages.Bmp(1, 99), "green.bmp"), PetParameters.Zero(model.Layout));
        Assert.Equal(router.ToFrozen(frozen) ? "frozen" : "learned", result.GetProperty("route").GetString());
    }

    private static IEnumerable<(string, double)> Pairs(RoutedPrediction prediction) => prediction.Labels.Select(p => (p.Label, p.Probability));
}
