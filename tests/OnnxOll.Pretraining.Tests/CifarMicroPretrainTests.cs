using OnnxOll.TestSupport;

namespace OnnxOll.Pretraining.Tests;

/// <summary>The repository's micro recipe pretrained on a few hundred real CIFAR-100 images (8 classes × 40) lowers its loss.</summary>
public sealed class CifarMicroPretrainTests
{
    private const string Train = "cifar100_jpg/cifar100_train_jpg.tar";

    [SharedDataFact(Train)]
    public void MicroRecipeOnCifarLowersItsLoss()
    {
        string dataDir = Path.GetDirectoryName(SharedData.Find(Train)!)!;
        string recipePath = Path.Combine(RepositoryRoot(), "models", "micro.json");
        var recipe = PretrainRecipe.Load(recipePath);
        using var output = new TempDirectory();
        var job = new PretrainJob
        {
            Recipe = recipe,
            DataSpec = $"tar:train={Path.Combine(dataDir, "cifar100_train_jpg.tar")},test={Path.Combine(dataDir, "cifar100_test_jpg.tar")}",
            TokenizerDirectory = SharedData.Find("clip_hf_tokenizer")!,
            HierarchyPath = Path.Combine(dataDir, "coarse_to_fine.json"),
            OutputDirectory = Path.Combine(output.Path, "model"),
            Seed = 1,
        };
        var result = ClipPretrainer.Run(job);
        Assert.True(result.Completed);
        Assert.Equal(recipe.Settings.BaseClasses, result.Classes.Count);
        Assert.Equal(recipe.Settings.Epochs, result.Epochs.Count);
        Assert.True(result.Epochs[^1].MeanLoss < result.Epochs[0].MeanLoss - 0.05,
            $"mean loss {result.Epochs[0].MeanLoss:F4} (epoch 1) → {result.Epochs[^1].MeanLoss:F4} (last)");
        Assert.True(File.Exists(Path.Combine(job.OutputDirectory, "model.safetensors")));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OnnxOll.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("OnnxOll.sln not found above the test binaries.");
    }
}
