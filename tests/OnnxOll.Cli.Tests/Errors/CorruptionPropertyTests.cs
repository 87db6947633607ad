using System.Buffers.Binary;
using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using OnnxOll.Cli.Tests.Runs;
using OnnxOll.Inference;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests.Errors;

/// <summary>Randomly corrupted copies (truncations, bit flips, edited JSON fields, non-finite values) of every kind of file the CLI reads,
/// fed to the command that reads it: each must give exit code 2 and one line naming the file, within a time limit, changing nothing.</summary>
/// <remarks>Corruptions are drawn where they are detectable: a bit flip in a weight's value or an image's pixels yields another valid
/// file (neither format carries a checksum), so those are flipped in headers, and weights get NaN/Inf instead; an ONNX Runtime
/// adapter (FlatBuffers, no checksum either) is cut short.</remarks>
[Collection(CliCollection.Name)]
public sealed class CorruptionPropertyTests(CliFixture fixture)
{
    // Fixed seeds keep CI reproducible; ONNXOLL_CORRUPTION_SEED=N adds a seed to explore further.
    private static readonly int[] Seeds = [1207, 1208, 1209, .. ExtraSeed()];
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public void EveryCorruptedInputIsOneLineNamingTheFileAndChangesNothing()
    {
        var failures = new List<string>();
        int count = 0;
        foreach (int seed in Seeds)
        {
            var random = new Random(seed);
            foreach (var target in Targets())
            {
                foreach (var (what, corrupt) in target.Corruptions(random))
                {
                    count++;
                    string dir = Copy(target.Source, fixture.PathFor($"corrupt/{count:D3}-{target.Name}/x"));
                    string file = Path.Combine(dir, target.File);
                    corrupt(file);
                    var before = FolderTree.Hashes(dir);
                    var modelBefore = FolderTree.Hashes(fixture.ModelDirectory);
                    string? problem = Check(target, dir, file, before, modelBefore);
                    if (problem is not null)
                    {
                        failures.Add($"seed {seed}: {target.Name} {target.File} ({what}): {problem}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {count} corrupted inputs misbehaved:\n{string.Join("\n", failures)}");
        Assert.True(count >= 60 * Seeds.Length, $"only {count} cases");
    }

    private static IEnumerable<int> ExtraSeed() =>
        int.TryParse(Environment.GetEnvironmentVariable("ONNXOLL_CORRUPTION_SEED"), System.Globalization.CultureInfo.InvariantCulture, out int seed) ? [seed] : [];

    private string? Check(Target target, string dir, string file, Dictionary<string, string> before, Dictionary<string, string> modelBefore)
    {
        string previousCache = Environment.GetEnvironmentVariable(ModelCache.EnvironmentVariable)!;
        if (target.ColdCache)
        {
            Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, Path.Combine(dir, "..", "cache"));
        }

        try
        {
            var run = Task.Run(() => CliFixture.Run(target.Args(dir, file)));
            if (!run.Wait(Limit))
            {
                return $"no answer within {Limit.TotalSeconds} s";
            }

            var (exit, error) = run.Result;
            var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("warning:", StringComparison.Ordinal)).ToArray();
            if (exit != Commands.CommandErrors.InputError || lines.Length != 1 || !lines[0].StartsWith("error: ", StringComparison.Ordinal))
            {
                return $"exit {exit}, stderr: {error.Trim()}";
            }

            if (!lines[0].Contains(Path.GetFileName(file), StringComparison.Ordinal))
            {
                return $"the error does not name {Path.GetFileName(file)}: {lines[0]}";
            }

            var after = FolderTree.Hashes(dir);
            if (!after.OrderBy(kv => kv.Key).SequenceEqual(before.OrderBy(kv => kv.Key)))
            {
                return $"files changed: {string.Join(", ", after.Keys.Union(before.Keys).Where(k => after.GetValueOrDefault(k) != before.GetValueOrDefault(k)))}";
            }

            return FolderTree.Hashes(fixture.ModelDirectory).OrderBy(kv => kv.Key).SequenceEqual(modelBefore.OrderBy(kv => kv.Key)) ? null : "the model folder changed";
        }
        finally
        {
            Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, previousCache);
        }
    }

    private IEnumerable<Target> Targets()
    {
        string root = fixture.PathFor("corrupt-sources/x");
        root = Path.GetDirectoryName(root)!;
        string model = Copy(fixture.ModelDirectory, Path.Combine(root, "model"));
        string image = fixture.PathFor("corrupt-sources/image.bmp");
        Bitmap.WriteRandom(image, 9, 7, seed: 8);
        string[] Predict(string m, params string[] extra) => ["predict", "--model", m, "--image", image, "--labels", "a,b", "--threads", "1", .. extra];

        yield return new("config", model, "config.json", (d, _) => Predict(d), false, Json(ConfigEdits, Digits("hidden_size", "intermediate_size", "num_hidden_layers", "image_size", "projection_dim")));
        yield return new("weights", model, "model.safetensors", (d, _) => Predict(d), true, SafeTensors(nonFinite: true));
        yield return new("vocab", model, "vocab.json", (d, _) => Predict(d), false, Json(VocabEdits));
        yield return new("merges", model, "merges.txt", (d, _) => Predict(d), false, Merges);

        string images = Path.Combine(root, "images");
        Directory.CreateDirectory(images);
        File.Copy(image, Path.Combine(images, "photo.bmp"), overwrite: true);
        File.WriteAllBytes(Path.Combine(images, "photo.png"), Encoded(File.ReadAllBytes(image), jpeg: false));
        File.WriteAllBytes(Path.Combine(images, "photo.jpg"), Encoded(File.ReadAllBytes(image), jpeg: true));
        foreach (var name in new[] { "photo.bmp", "photo.png", "photo.jpg" })
        {
            yield return new("image", images, name, (_, f) => ["predict", "--model", fixture.ModelDirectory, "--image", f, "--labels", "a,b", "--threads", "1"], false,
                r => Truncations(r, 4));
        }

        string batches = Path.Combine(root, "batches");
        Directory.CreateDirectory(batches);
        File.Copy(fixture.WriteBatch("corrupt-batch.safetensors", 3, [0, 2, 1], seed: 9), Path.Combine(batches, "batch.safetensors"), overwrite: true);
        yield return new("batch", batches, "batch.safetensors", (d, f) => ["embed", "--model", fixture.ModelDirectory, "--batch", f, "--out", Path.Combine(d, "out.safetensors"), "--threads", "1"],
            false, SafeTensors(nonFinite: true, outOfRange: ["labels", "input_ids"]));

        string pets = Path.Combine(root, "pets");
        Directory.CreateDirectory(pets);
        File.Copy(fixture.WritePet("corrupt-pet.safetensors", "lora:r=2,alpha=4,towers=both,targets=q+v", seed: 3, scale: 0.1), Path.Combine(pets, "pet.safetensors"), overwrite: true);
        yield return new("pet", pets, "pet.safetensors", (_, f) => Predict(fixture.ModelDirectory, "--pet", f), false, SafeTensors(nonFinite: true));

        string run = Path.Combine(root, "run");
        if (!Directory.Exists(run))
        {
            LearnRun.Complete(fixture.ModelDirectory, run, "--keep", "1");
            Manifests.MarkUnfinished(run);
        }

        string manifest = Path.GetFileName(Manifests.Newest(run));
        string tensors = Path.ChangeExtension(manifest, ".safetensors");
        string[] Eval(string d) => ["eval", "--model", fixture.ModelDirectory, "--run", d, "--data", LearnRun.Data, "--out", Path.Combine(d, "..", "eval.json"), "--threads", "1"];
        string[] Resume(string d) => LearnRun.Args(fixture.ModelDirectory, d, "--resume", "--keep", "1");
        yield return new("checkpoint", run, tensors, (d, _) => Eval(d), false, r => [.. Truncations(r, 3), .. Flips(r, 4, 0, long.MaxValue)]);
        yield return new("checkpoint", run, manifest, (d, _) => Eval(d), false, r => [.. Truncations(r, 3), .. Flips(r, 4, 0, long.MaxValue), .. Json(ManifestEdits)(r)]);
        yield return new("resume", run, manifest, (d, _) => Resume(d), false, r => [.. Truncations(r, 2), .. Flips(r, 2, 0, long.MaxValue), .. Json(ManifestEdits)(r)]);
        yield return new("resume", run, tensors, (d, _) => Resume(d), false, r => [.. Truncations(r, 2), .. Flips(r, 2, 0, long.MaxValue)]);

        string peft = Path.Combine(root, "peft");
        string ort = Path.Combine(root, "ort", "pet.onnx_adapter");
        if (!Directory.Exists(peft))
        {
            foreach (string[] args in new[] { new[] { "--out", peft }, ["--format", "onnx", "--out", ort] })
            {
                var (exit, error) = CliFixture.Run(["adapter", "--model", fixture.ModelDirectory, "--run", run, .. args]);
                Assert.True(exit == 0, error);
            }
        }

        yield return new("peft", peft, "adapter_config.json", (d, _) => Predict(fixture.ModelDirectory, "--pet", d), false, Json(AdapterConfigEdits));
        yield return new("peft", peft, "adapter_model.safetensors", (d, _) => Predict(fixture.ModelDirectory, "--pet", d), false, SafeTensors(nonFinite: true));
        yield return new("ort-adapter", Path.GetDirectoryName(ort)!, Path.GetFileName(ort), (_, f) => Predict(fixture.ModelDirectory, "--pet", f, "--pet-spec", LearnRun.Pet), false,
            r => Truncations(r, 4));

        string tars = Path.Combine(root, "tars");
        Directory.CreateDirectory(tars);
        WriteTar(Path.Combine(tars, "data.tar"), File.ReadAllBytes(image));
        yield return new("tar", tars, "data.tar", (d, f) => LearnRun.Args(fixture.ModelDirectory, Path.Combine(d, "run"), "--data", $"tar:{f}"), false,
            r => [.. Truncations(r, 4), .. TarHeaderFlips(r, 4)]);
    }

    private static Func<Random, IEnumerable<(string, Action<string>)>> SafeTensors(bool nonFinite, string[]? outOfRange = null) => r =>
    {
        List<(string, Action<string>)> cases = [.. Truncations(r, 3), .. Flips(r, 3, 0, 8)];
        if (nonFinite)
        {
            foreach (float value in new[] { float.NaN, float.PositiveInfinity })
            {
                int pick = r.Next(1000);
                cases.Add(($"{value} in a float tensor", f => Poison(f, pick, info => info.DType == SafeTensorDType.F32, b => BinaryPrimitives.WriteSingleLittleEndian(b, value))));
            }
        }

        foreach (var name in outOfRange ?? [])
        {
            long value = r.Next(2) == 0 ? -1 - r.Next(5) : 1_000_000 + r.Next(5);
            cases.Add(($"{name} = {value}", f => Poison(f, 0, info => info.Name == name, b => BinaryPrimitives.WriteInt64LittleEndian(b, value))));
        }

        return cases;
    };

    private static IEnumerable<(string, Action<string>)> Truncations(Random r, int count)
    {
        for (int i = 0; i < count; i++)
        {
            double at = r.NextDouble();
            yield return ($"cut at {at:P0}", f =>
            {
                var bytes = File.ReadAllBytes(f);
                int end = bytes.AsSpan().TrimEnd("\n \0"u8).Length;
                File.WriteAllBytes(f, bytes[..(int)(at * (end - 1))]);
            }
            );
        }
    }

    private static IEnumerable<(string, Action<string>)> Flips(Random r, int count, long from, long to)
    {
        for (int i = 0; i < count; i++)
        {
            double at = r.NextDouble();
            int bit = r.Next(8);
            yield return ($"bit {bit} flipped at {at:P0} of [{from}, {Math.Min(to, 1L << 40)})", f =>
            {
                var bytes = File.ReadAllBytes(f);
                long end = Math.Min(to, bytes.AsSpan().TrimEnd("\n"u8).Length);
                bytes[from + (long)(at * (end - from))] ^= (byte)(1 << bit);
                File.WriteAllBytes(f, bytes);
            }
            );
        }
    }

    private static IEnumerable<(string, Action<string>)> TarHeaderFlips(Random r, int count)
    {
        for (int i = 0; i < count; i++)
        {
            int header = r.Next(6);
            int offset = r.Next(512);
            int bit = r.Next(8);
            yield return ($"bit {bit} of byte {offset} flipped in header {header}", f =>
            {
                var bytes = File.ReadAllBytes(f);
                long position = 0;
                for (int h = 0; h < header; h++)
                {
                    long size = Convert.ToInt64(Encoding.ASCII.GetString(bytes, (int)position + 124, 11).Trim('\0', ' '), 8);
                    position += 512 + ((size + 511) / 512 * 512);
                }

                bytes[position + offset] ^= (byte)(1 << bit);
                File.WriteAllBytes(f, bytes);
            }
            );
        }
    }

    private static Func<Random, IEnumerable<(string, Action<string>)>> Json(params Func<Random, IEnumerable<(string, Action<JsonObject>)>>[] edits) => r =>
        Truncations(r, 2).Concat(edits.SelectMany(e => e(r)).Select(e => (e.Item1, (Action<string>)(f =>
        {
            var json = JsonNode.Parse(File.ReadAllText(f))!.AsObject();
            e.Item2(json);
            File.WriteAllText(f, json.ToJsonString());
        }))));

    private static IEnumerable<(string, Action<JsonObject>)> ConfigEdits(Random r)
    {
        string section = r.Next(2) == 0 ? "text_config" : "vision_config";
        yield return ($"{section} removed", o => o.Remove(section));
        string field = new[] { "hidden_size", "intermediate_size", "num_hidden_layers" }[r.Next(3)];
        JsonNode[] values = [-1, "x", 1.5, new JsonArray()];
        var value = values[r.Next(values.Length)];
        yield return ($"{section}.{field} = {value.ToJsonString()}", o => o[section]![field] = value.DeepClone());
    }

    private static Func<Random, IEnumerable<(string, Action<JsonObject>)>> Digits(params string[] fields) => r =>
    {
        string field = fields[r.Next(fields.Length)];
        int delta = 1 + r.Next(9);
        return [($"{field} + {delta} wherever it appears", o => Bump(o, field, delta))];
    };

    private static void Bump(JsonObject o, string field, int delta)
    {
        foreach (var (key, value) in o.ToList())
        {
            if (value is JsonObject inner)
            {
                Bump(inner, field, delta);
            }
            else if (key == field && value is JsonValue v && v.TryGetValue(out int n))
            {
                o[key] = n + delta;
            }
        }
    }

    private static IEnumerable<(string, Action<JsonObject>)> VocabEdits(Random r)
    {
        int index = r.Next(50, 300);
        yield return ($"token {index} id = -1", o => o[o.ElementAt(index).Key] = -1);
        yield return ($"token {index} id = \"x\"", o => o[o.ElementAt(index).Key] = "x");
        yield return ($"token {index} id duplicated", o => o[o.ElementAt(index).Key] = o.ElementAt(index + 1).Value!.GetValue<int>());
        yield return ("<|endoftext|> removed", o => o.Remove("<|endoftext|>"));
    }

    private static IEnumerable<(string, Action<JsonObject>)> ManifestEdits(Random r)
    {
        string[] fields = ["step", "stream_cursor", "optimizer_step", "tensors_bytes", "tensors_sha256", "pet_spec", "model_hash", "counters", "format", "version"];
        string field = fields[r.Next(fields.Length)];
        yield return ($"{field} removed", o => o.Remove(field));
        string other = fields[r.Next(fields.Length)];
        yield return ($"{other} = 0", o => o[other] = 0);
    }

    private static IEnumerable<(string, Action<JsonObject>)> AdapterConfigEdits(Random r)
    {
        // lora_alpha is left alone: PEFT defaults a missing one to 8, and any value (0 too) is a valid scale; a missing
        // target_modules is valid too (PEFT's per-model default; OnnxOll reads the adapted modules from the tensor names).
        string required = new[] { "r", "peft_type" }[r.Next(2)];
        yield return ($"{required} removed", o => o.Remove(required));
        string field = new[] { "r", "target_modules", "peft_type" }[r.Next(3)];
        JsonNode[] values = [0, -4, "x", new JsonArray(), "IA3", new JsonArray("no_such_proj")];
        var value = values[r.Next(values.Length)];
        yield return ($"{field} = {value.ToJsonString()}", o => o[field] = value.DeepClone());
    }

    private static IEnumerable<(string, Action<string>)> Merges(Random r)
    {
        int line = r.Next(5, 100);
        string[] replacements = ["lonely", "a b c", new string('x', 5000), "\u0001\u0002"];
        foreach (var replacement in replacements)
        {
            yield return ($"line {line} = '{replacement[..Math.Min(10, replacement.Length)]}'", f =>
            {
                var lines = File.ReadAllLines(f);
                lines[line] = replacement;
                File.WriteAllLines(f, lines);
            }
            );
        }
    }

    private static void Poison(string path, int pick, Func<SafeTensorInfo, bool> which, Action<Span<byte>> write)
    {
        long offset;
        using (var file = SafeTensorsFile.Open(path))
        {
            var candidates = file.Tensors.Where(which).ToArray();
            var info = candidates[pick % candidates.Length];
            int size = info.DType == SafeTensorDType.F32 ? 4 : 8;
            offset = file.DataStart + info.Begin + (size * (pick % info.ElementCount));
        }

        var bytes = File.ReadAllBytes(path);
        write(bytes.AsSpan((int)offset, 8 <= bytes.Length - offset ? 8 : 4));
        File.WriteAllBytes(path, bytes);
    }

    private static void WriteTar(string path, byte[] image)
    {
        using var stream = File.Create(path);
        using var writer = new TarWriter(stream, TarEntryFormat.Ustar);
        foreach (var split in new[] { "train", "test" })
        {
            foreach (var label in new[] { "cat", "dog" })
            {
                for (int i = 0; i < (split == "train" ? 4 : 1); i++)
                {
                    writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, $"{split}/{label}/{i}.bmp") { DataStream = new MemoryStream(image) });
                }
            }
        }
    }

    private static byte[] Encoded(byte[] bmp, bool jpeg)
    {
        var decoded = Clip.Imaging.ImageDecoder.Decode(bmp, "bmp");
        return jpeg
            ? TestImages.Jpeg(decoded.Pixels, decoded.Width, decoded.Height, StbImageWriteSharp.ColorComponents.RedGreenBlue, quality: 90)
            : TestImages.Png(decoded.Pixels, decoded.Width, decoded.Height, StbImageWriteSharp.ColorComponents.RedGreenBlue);
    }

    private static string Copy(string source, string targetFile)
    {
        string target = Path.GetDirectoryName(targetFile)!;
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source).Where(f => Path.GetFileName(f) != Learning.Runs.RunFolder.LockFileName))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        return target;
    }

    private sealed record Target(string Name, string Source, string File, Func<string, string, string[]> Args, bool ColdCache,
        Func<Random, IEnumerable<(string What, Action<string> Corrupt)>> Corruptions);
}
