using System.Text.Json.Nodes;
using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.Peft;
using OnnxOll.Deploy.Pet;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Deploy.Tests;

[Collection(DeployCollection.Name)]
public sealed class PeftAdapterTests(DeployFixture fixture)
{
    [Theory]
    [InlineData("lora:r=4,alpha=8,towers=both,targets=q+v")]
    [InlineData("lora:r=2,alpha=3,towers=both,layers=1,targets=k+o+fc1")]
    [InlineData("lora:r=2,alpha=4,towers=image,layers=0,targets=qkv+fc2;adapter:dim=8,scale=0.5,towers=text")]
    [InlineData("adapter:dim=4,scale=0.25,dropout=0,towers=both,layers=0")]
    public void WrittenFolderReadsBackToTheSameSpecAndTensors(string spec)
    {
        var pet = fixture.RandomPet(spec, seed: 4, scale: 0.3);
        string dir = fixture.Folder("peft-" + Math.Abs(spec.GetHashCode(StringComparison.Ordinal)));

        PeftAdapterFolder.Write(pet, dir, fixture.ModelDirectory, ["a photo of a {}."], ["cat", "dog"]);
        var read = PeftAdapterFolder.Read(dir);

        Assert.Equal(pet.Layout.Spec.ToString(), read.Spec.ToString());
        DeployFixture.AssertSameTensors(pet, read.Tensors.Fill(pet.Layout));
        Assert.Equal(Path.GetFullPath(fixture.ModelDirectory), read.BaseModel);
        Assert.Equal(ModelHash.Compute(fixture.ModelDirectory), read.ModelHash);
        Assert.Equal(["a photo of a {}."], read.Prompts);
        Assert.Equal(["cat", "dog"], read.Classes);
        Assert.Equal(pet.Layout.Spec.Lora.Any(), File.Exists(Path.Combine(dir, PeftAdapterFolder.ConfigFileName)));
        Assert.Equal(pet.Layout.Spec.Adapters.Any(), File.Exists(Path.Combine(dir, PeftAdapterFolder.BottleneckConfigFileName)));
        DeployFixture.AssertSameTensors(pet, PetSource.Open(dir, null, fixture.ModelDirectory).Load(pet.Layout));
    }

    [Fact]
    public void ConfigAndKeysFollowPeftsLayout()
    {
        var pet = fixture.RandomPet("lora:r=4,alpha=8,towers=both,layers=1,targets=q+v", seed: 5, scale: 0.3);
        string dir = fixture.Folder("peft-layout");
        PeftAdapterFolder.Write(pet, dir, fixture.ModelDirectory);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, PeftAdapterFolder.ConfigFileName)))!;
        Assert.Equal("LORA", config["peft_type"]!.GetValue<string>());
        Assert.Equal(4, config["r"]!.GetValue<int>());
        Assert.Equal(8.0, config["lora_alpha"]!.GetValue<double>());
        Assert.Equal(["q_proj", "v_proj"], config["target_modules"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal([1], config["layers_to_transform"]!.AsArray().Select(t => t!.GetValue<int>()));
        Assert.Equal("none", config["bias"]!.GetValue<string>());
        using var file = SafeTensorsFile.Open(Path.Combine(dir, PeftAdapterFolder.WeightsFileName));
        var a = file.Get("base_model.model.vision_model.encoder.layers.1.self_attn.q_proj.lora_A.weight");
        var b = file.Get("base_model.model.text_model.encoder.layers.1.self_attn.v_proj.lora_B.weight");
        Assert.Equal([4L, fixture.Config.Vision.HiddenSize], a.Shape);
        Assert.Equal([fixture.Config.Text.HiddenSize, 4L], b.Shape);
        Assert.Equal(8, file.Tensors.Count);
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void FusedQkvIsWrittenAsQKAndVSharingOneA()
    {
        var pet = fixture.RandomPet("lora:r=2,alpha=2,towers=image,layers=0,targets=qkv", seed: 6, scale: 0.3);
        string dir = fixture.Folder("peft-qkv");
        PeftAdapterFolder.Write(pet, dir, fixture.ModelDirectory);

        using var file = SafeTensorsFile.Open(Path.Combine(dir, PeftAdapterFolder.WeightsFileName));
        const string layer = "base_model.model.vision_model.encoder.layers.0.self_attn.";
        float[] a = pet["vision_model.encoder.layers.0.self_attn.qkv.lora_A"], b = pet["vision_model.encoder.layers.0.self_attn.qkv.lora_B"];
        int rows = fixture.Config.Vision.HiddenSize;
        foreach (var (part, i) in new[] { "q_proj", "k_proj", "v_proj" }.Select((p, i) => (p, i)))
        {
            Assert.Equal(a, file.ReadFloat32(layer + part + ".lora_A.weight"));
            Assert.Equal(b.AsSpan(i * rows * 2, rows * 2).ToArray(), file.ReadFloat32(layer + part + ".lora_B.weight"));
        }
    }

    [Fact]
    public void AHandWrittenPeftAdapterIsRead()
    {
        // As PEFT's save_pretrained writes a CLIPModel LoRA: config with suffix target_modules, keys without the adapter name, no OnnxOll metadata.
        string dir = fixture.Folder("peft-by-hand");
        File.WriteAllText(Path.Combine(dir, "adapter_config.json"), """
            {"alpha_pattern": {}, "auto_mapping": null, "base_model_name_or_path": "openai/clip-vit-base-patch32", "bias": "none",
             "fan_in_fan_out": false, "inference_mode": true, "init_lora_weights": true, "layers_pattern": null, "layers_to_transform": null,
             "lora_alpha": 16, "lora_dropout": 0.1, "modules_to_save": null, "peft_type": "LORA", "r": 2, "rank_pattern": {}, "revision": null,
             "target_modules": ["q_proj", "v_proj"], "task_type": null, "use_dora": false, "use_rslora": false}
            """);
        var writer = new SafeTensorsWriter();
        writer.Metadata["format"] = "pt";
        var random = new Random(3);
        var expected = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (string tower in new[] { "vision_model", "text_model" })
        {
            int hidden = tower == "vision_model" ? fixture.Config.Vision.HiddenSize : fixture.Config.Text.HiddenSize;
            for (int layer = 0; layer < 2; layer++)
            {
                foreach (string proj in new[] { "q_proj", "v_proj" })
                {
                    string module = $"{tower}.encoder.layers.{layer}.self_attn.{proj}";
                    var a = Enumerable.Range(0, 2 * hidden).Select(_ => (float)random.NextDouble()).ToArray();
                    var b = Enumerable.Range(0, hidden * 2).Select(_ => (float)random.NextDouble()).ToArray();
                    writer.AddFloat16($"base_model.model.{module}.lora_A.weight", a, 2, hidden);
                    writer.Add($"base_model.model.{module}.lora_B.weight", b, hidden, 2);
                    expected[module + ".lora_A"] = a.Select(x => (float)(Half)x).ToArray();
                    expected[module + ".lora_B"] = b;
                }
            }
        }

        writer.Write(Path.Combine(dir, "adapter_model.safetensors"));

        var read = PeftAdapterFolder.Read(dir);

        Assert.Equal(PetSpec.Parse("lora:r=2,alpha=16,towers=both,layers=all,targets=q+v").ToString(), read.Spec.ToString());
        Assert.Equal("openai/clip-vit-base-patch32", read.BaseModel);
        var pet = read.Tensors.Fill(new PetLayout(read.Spec, fixture.Config));
        Assert.All(expected, kv => Assert.Equal(kv.Value, pet[kv.Key]));
    }

    [Fact]
    public void ABottleneckFolderWrittenByHandFromTheDocumentedFormatIsRead()
    {
        // bottleneck_config.json and bottleneck_adapter.safetensors as the README documents them, without OnnxOll's metadata.
        string dir = fixture.Folder("bottleneck-by-hand");
        File.WriteAllText(Path.Combine(dir, PeftAdapterFolder.BottleneckConfigFileName), """
            {"format": "onnxoll-bottleneck-adapter", "version": 1, "base_model_name_or_path": "tiny",
             "adapters": [{"bottleneck_dim": 3, "scaling": 0.25, "dropout": 0.0, "towers": "image", "layers": "1"}]}
            """);
        int hidden = fixture.Config.Vision.HiddenSize;
        var random = new Random(5);
        var expected = new Dictionary<string, (float[] Data, long[] Shape)>(StringComparer.Ordinal)
        {
            ["vision_model.encoder.layers.1.adapter.down.weight"] = (Values(3 * hidden), [3, hidden]),
            ["vision_model.encoder.layers.1.adapter.down.bias"] = (Values(3), [3]),
            ["vision_model.encoder.layers.1.adapter.up.weight"] = (Values(hidden * 3), [hidden, 3]),
            ["vision_model.encoder.layers.1.adapter.up.bias"] = (Values(hidden), [hidden]),
        };
        var writer = new SafeTensorsWriter();
        foreach (var (name, (data, shape)) in expected)
        {
            writer.Add("base_model.model." + name, data, shape);
        }

        writer.Write(Path.Combine(dir, PeftAdapterFolder.BottleneckWeightsFileName));

        var read = PeftAdapterFolder.Read(dir);

        Assert.Equal(PetSpec.Parse("adapter:dim=3,scale=0.25,dropout=0,towers=image,layers=1").ToString(), read.Spec.ToString());
        Assert.Equal("tiny", read.BaseModel);
        var pet = read.Tensors.Fill(new PetLayout(read.Spec, fixture.Config));
        Assert.All(expected, kv => Assert.Equal(kv.Value.Data, pet[kv.Key]));

        // Written back, the folder holds exactly these keys and shapes and the documented config fields.
        string back = fixture.Folder("bottleneck-written");
        PeftAdapterFolder.Write(pet, back, fixture.ModelDirectory);
        Assert.False(File.Exists(Path.Combine(back, PeftAdapterFolder.ConfigFileName)));
        using var file = SafeTensorsFile.Open(Path.Combine(back, PeftAdapterFolder.BottleneckWeightsFileName));
        Assert.Equal(expected.Keys.Select(k => "base_model.model." + k).Order(StringComparer.Ordinal), file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(expected, kv => Assert.Equal(kv.Value.Shape, file.Get("base_model.model." + kv.Key).Shape));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(back, PeftAdapterFolder.BottleneckConfigFileName)))!;
        Assert.Equal("onnxoll-bottleneck-adapter", config["format"]!.GetValue<string>());
        var adapter = config["adapters"]!.AsArray().Single()!;
        Assert.Equal(3, adapter["bottleneck_dim"]!.GetValue<int>());
        Assert.Equal(0.25, adapter["scaling"]!.GetValue<double>());
        Assert.Equal("image", adapter["towers"]!.GetValue<string>());
        Assert.Equal("1", adapter["layers"]!.GetValue<string>());

        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
    }

    [Fact]
    public void ARegexTargetTakesItsLayersFromTheKeys()
    {
        // PEFT also accepts target_modules as one regular expression; it may pick some layers only, so the keys decide.
        var (pet, dir, _) = WriteWithEditedConfig("lora:r=2,alpha=4,towers=image,layers=1,targets=q", 14, "peft-regex", keepSpec: false, config =>
        {
            config["target_modules"] = @".*vision_model\.encoder\.layers\.1\.self_attn\.q_proj";
            config["layers_to_transform"] = null;
        });

        var read = PeftAdapterFolder.Read(dir);

        Assert.Equal(pet.Layout.Spec.ToString(), read.Spec.ToString());
        DeployFixture.AssertSameTensors(pet, read.Tensors.Fill(pet.Layout));
    }

    [Fact]
    public void WritingIntoAFolderOfAnotherSpecLeavesNothingOfTheOldOne()
    {
        string dir = fixture.Folder("peft-overwrite");
        foreach (string spec in new[] { "lora:r=2,alpha=4,towers=image,targets=q;adapter:dim=4,scale=0.5,towers=text", "lora:r=4,alpha=4,towers=both,targets=v", "adapter:dim=8,scale=1,towers=image" })
        {
            var pet = fixture.RandomPet(spec, seed: spec.Length, scale: 0.3);
            PeftAdapterFolder.Write(pet, dir, fixture.ModelDirectory);
            var read = PeftAdapterFolder.Read(dir);
            Assert.Equal(pet.Layout.Spec.ToString(), read.Spec.ToString());
            DeployFixture.AssertSameTensors(pet, read.Tensors.Fill(pet.Layout));
        }
    }

    [Fact]
    public void RsLoraAlphaBecomesOnnxOllsAlphaWithTheSameScale()
    {
        var (_, dir, _) = WriteWithEditedConfig("lora:r=4,alpha=8,towers=both,targets=q", 12, "peft-rslora", keepSpec: false, config =>
        {
            config["use_rslora"] = true;
            config["lora_alpha"] = 3.0; // rsLoRA's scale 3/sqrt(4) = 1.5 is OnnxOll's alpha/r with alpha = 6.
        });

        var read = PeftAdapterFolder.Read(dir);

        Assert.Equal(6.0, read.Spec.Lora.Single().Alpha, 12);
        Assert.Equal(1.5, read.Spec.Lora.Single().Scale, 12);
    }

    [Fact]
    public void FullModuleNamesOfOneTowerGiveThatTowerAndLayers()
    {
        var pet = fixture.RandomPet("lora:r=2,alpha=2,towers=image,layers=1,targets=o+fc2", seed: 9, scale: 0.3);
        string dir = fixture.Folder("peft-one-tower");
        PeftAdapterFolder.Write(pet, dir, fixture.ModelDirectory);
        StripMetadata(Path.Combine(dir, PeftAdapterFolder.WeightsFileName));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, PeftAdapterFolder.ConfigFileName)))!;
        Assert.Contains("vision_model.encoder.layers.1.self_attn.out_proj", config["target_modules"]!.AsArray().Select(t => t!.GetValue<string>()));

        var read = PeftAdapterFolder.Read(dir);

        Assert.Equal(pet.Layout.Spec.ToString(), read.Spec.ToString());
        DeployFixture.AssertSameTensors(pet, read.Tensors.Fill(pet.Layout));
    }

    /// <summary>Writes a random PET of <paramref name="spec"/> as a PEFT folder, without OnnxOll's metadata unless <paramref name="keepSpec"/>
    /// (so the spec is inferred as for a folder PEFT wrote), and applies <paramref name="edit"/> to its adapter_config.json.</summary>
    private (PetParameters Pet, string Dir, string ConfigPath) WriteWithEditedConfig(string spec, int seed, string name, bool keepSpec, Action<JsonObject> edit)
    {
        var pet = fixture.RandomPet(spec, seed, scale: 0.3);
        string dir = fixture.Folder(name);
        PeftAdapterFolder.Write(pet, dir, fixture.ModelDirectory);
        if (!keepSpec)
        {
            StripMetadata(Path.Combine(dir, PeftAdapterFolder.WeightsFileName));
        }

        string configPath = Path.Combine(dir, PeftAdapterFolder.ConfigFileName);
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        edit(config);
        File.WriteAllText(configPath, config.ToJsonString());
        return (pet, dir, configPath);
    }

    /// <summary>Drops OnnxOll's metadata so the spec must be inferred from the config and the keys, as for a folder PEFT wrote.</summary>
    private static void StripMetadata(string weights)
    {
        using (var file = SafeTensorsFile.Open(weights))
        {
            var writer = new SafeTensorsWriter();
            foreach (var t in file.Tensors)
            {
                writer.Add(t.Name, file.ReadFloat32(t.Name), t.Shape);
            }

            writer.Write(weights + ".plain");
        }

        File.Move(weights + ".plain", weights, overwrite: true);
    }

    [Theory]
    [InlineData("r", "3", true, "field 'r' is 3")]
    [InlineData("r", "3", false, "field 'r' is 3")]
    [InlineData("lora_alpha", "5", true, "'lora_alpha' 5")]
    [InlineData("target_modules", "[\"fc1\"]", true, "no LoRA for module 'text_model.encoder.layers.0.self_attn.q_proj'")]
    [InlineData("target_modules", "[\"fc1\"]", false, "no LoRA for module 'text_model.encoder.layers.0.self_attn.q_proj'")]
    [InlineData("target_modules", "\".*k_proj\"", false, "no LoRA for module")]
    [InlineData("target_modules", "\"([\"", false, "not a valid regular expression")]

    // Tensors PEFT never creates (layers outside layers_to_transform, excluded modules): applied as plain LoRA before, now refused naming the tensor.
    [InlineData("layers_to_transform", "[1]", false, "tensor 'base_model.model.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight'")]
    [InlineData("layers_to_transform", "0", false, "tensor 'base_model.model.text_model.encoder.layers.1.self_attn.q_proj.lora_A.weight'")]
    [InlineData("exclude_modules", "[\"v_proj\"]", false, "field 'exclude_modules' is [\"v_proj\"], so PEFT creates no LoRA for module 'text_model.encoder.layers.0.self_attn.v_proj'")]
    [InlineData("exclude_modules", "\"vision_model\\\\..*\"", true, "no LoRA for module 'vision_model.encoder.layers.0.self_attn.q_proj'")]

    // Inits after which PEFT changes the base weights: the folder's A and B are not the whole update.
    [InlineData("init_lora_weights", "\"pissa\"", false, "field 'init_lora_weights' is \"pissa\"; `pissa*`")]
    [InlineData("init_lora_weights", "\"pissa_niter_4\"", false, "field 'init_lora_weights' is \"pissa_niter_4\"")]
    [InlineData("init_lora_weights", "\"olora\"", true, "field 'init_lora_weights' is \"olora\"")]
    [InlineData("init_lora_weights", "\"corda\"", false, "field 'init_lora_weights' is \"corda\"")]
    [InlineData("init_lora_weights", "\"loftq\"", false, "field 'init_lora_weights' is \"loftq\"")]
    [InlineData("init_lora_weights", "\"lora_ga\"", false, "field 'init_lora_weights' is \"lora_ga\"")]

    // Configs PEFT itself refuses, or that change what the adapter computes.
    [InlineData("layer_replication", "[[0, 2], [1, 2]]", false, "field 'layer_replication' is [[0,2],[1,2]]; it changes the layer stack")]
    [InlineData("layers_pattern", "\"layers\"", false, "without 'layers_to_transform'")]
    [InlineData("target_modules", "null", false, "field 'target_modules' is missing; PEFT has no default target modules for CLIP")]
    [InlineData("kasa_config", "{\"r\": 2}", false, "field 'kasa_config'")]
    [InlineData("lora_bias", "true", false, "field 'lora_bias'")]
    [InlineData("a_future_option", "\"on\"", false, "field 'a_future_option' is \"on\"; it is no LoraConfig field OnnxOll knows")]
    public void AConfigThatDisagreesWithTheWeightsIsRefused(string field, string value, bool withSpec, string text)
    {
        var (_, dir, configPath) = WriteWithEditedConfig("lora:r=2,alpha=4,towers=both,targets=q+v", 13,
            $"peft-disagree-{field}-{Math.Abs(value.GetHashCode(StringComparison.Ordinal))}-{withSpec}", withSpec, config => config[field] = JsonNode.Parse(value));

        var e = Assert.Throws<InvalidDataException>(() => PeftAdapterFolder.Read(dir));

        Assert.Contains(configPath, e.Message, StringComparison.Ordinal);
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARegexTargetWithLayersToTransformIsRefusedAsPeftRefusesIt()
    {
        var (_, dir, configPath) = WriteWithEditedConfig("lora:r=2,alpha=4,towers=both,targets=q+v", 14, "peft-regex-layers", false, config =>
        {
            config["target_modules"] = ".*(q_proj|v_proj)";
            config["layers_to_transform"] = new JsonArray(0, 1);
            config["layers_pattern"] = null;
        });

        var e = Assert.Throws<InvalidDataException>(() => PeftAdapterFolder.Read(dir));
        Assert.Contains($"{configPath}: field 'layers_to_transform' is [0,1] with a string (regex) 'target_modules'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("init_lora_weights", "false")]
    [InlineData("init_lora_weights", "\"gaussian\"")]
    [InlineData("init_lora_weights", "\"eva\"")]
    [InlineData("init_lora_weights", "\"orthogonal\"")]
    [InlineData("init_lora_weights", "\"mica\"")]
    [InlineData("layers_to_transform", "[0, 1]")]
    [InlineData("exclude_modules", "[\"k_proj\", \"fc1\"]")]
    [InlineData("target_modules", "\"all-linear\"")]
    [InlineData("lora_dropout", "0.3")]
    [InlineData("eva_config", "{\"rho\": 2.0}")]
    public void FieldsThatLeaveTheAdapterWPlusBAAreHonouredOrIgnored(string field, string value)
    {
        var (pet, dir, _) = WriteWithEditedConfig("lora:r=2,alpha=4,towers=both,targets=q+v", 15,
            $"peft-honoured-{field}-{Math.Abs(value.GetHashCode(StringComparison.Ordinal))}", false, config => config[field] = JsonNode.Parse(value));

        // The same tensors (the inferred spec may say layers=0-1 where the written one says all: the same layers here).
        var read = PeftAdapterFolder.Read(dir);
        var layout = new PetLayout(read.Spec, fixture.Config);
        var filled = read.Tensors.Fill(layout);
        Assert.Equal(pet.Layout.Tensors.Select(t => t.Name), layout.Tensors.Select(t => t.Name));
        Assert.All(pet.Layout.Tensors, t => Assert.Equal(pet[t.Name], filled[t.Name]));
    }

    [Theory]
    [InlineData("\"use_dora\": true", "use_dora")]
    [InlineData("\"bias\": \"all\"", "bias")]
    [InlineData("\"peft_type\": \"IA3\"", "peft_type")]
    public void UnsupportedPeftOptionsAreNamed(string field, string name)
    {
        string dir = fixture.Folder("peft-bad-" + name);
        string json = "{\"peft_type\": \"LORA\", \"r\": 2, \"lora_alpha\": 2, \"target_modules\": [\"q_proj\"], " + field + "}";
        File.WriteAllText(Path.Combine(dir, PeftAdapterFolder.ConfigFileName), json.Replace("\"peft_type\": \"LORA\", ", field.StartsWith("\"peft_type", StringComparison.Ordinal) ? "" : "\"peft_type\": \"LORA\", ", StringComparison.Ordinal));
        new SafeTensorsWriter().Write(Path.Combine(dir, PeftAdapterFolder.WeightsFileName));

        var e = Assert.Throws<InvalidDataException>(() => PeftAdapterFolder.Read(dir));

        Assert.Contains(PeftAdapterFolder.ConfigFileName, e.Message);
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void ACheckpointFileGivesItsPetTensorsWithoutTheOptimizerMoments()
    {
        var pet = fixture.RandomPet("lora:r=2,alpha=2,towers=text,targets=q", seed: 10, scale: 0.3);
        string run = fixture.WriteRun("checkpoint-file-run", pet, ["{}"], ["x", "y"]);
        string checkpoint = Directory.GetFiles(run, "ckpt-*.safetensors").Single();
        using (var file = SafeTensorsFile.Open(checkpoint))
        {
            Assert.Contains(file.Tensors, t => CheckpointPet.IsTrainingState(t.Name));
        }

        foreach (string path in new[] { checkpoint, Path.ChangeExtension(checkpoint, ".json"), run })
        {
            var source = PetSource.Resolve(path, null, null, fixture.ModelDirectory);
            Assert.Equal(pet.Layout.Spec.ToString(), source.Spec.ToString());
            Assert.Equal(["x", "y"], source.Classes);
            DeployFixture.AssertSameTensors(pet, source.Load(pet.Layout));
        }

        // Another model: the same files with another config.json (the model hash covers its bytes).
        string other = fixture.Folder("other-model");
        foreach (string file in Directory.GetFiles(fixture.ModelDirectory))
        {
            File.Copy(file, Path.Combine(other, Path.GetFileName(file)));
        }

        File.AppendAllText(Path.Combine(other, "config.json"), "\n");
        var e = Assert.Throws<OtherModelException>(() => PetSource.Open(checkpoint, null, other));
        Assert.Contains(checkpoint, e.Message);
        Assert.Contains("model hash", e.Message);
    }
}
