using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Deploy.Export;

/// <summary>Folds LoRA updates into a model's weights (W' = W + (alpha/r)·B·A, Hugging Face [out, in] layout) and freezes the other PET tensors into graphs.</summary>
public static class LoraMerger
{
    private const string QkvSuffix = ".self_attn.qkv";

    /// <summary>Writes the model's weights with every LoRA of <paramref name="pet"/> folded in, as a Hugging Face safetensors file.</summary>
    public static void WriteMergedWeights(ClipWeights weights, PetParameters pet, string path)
    {
        var writer = new SafeTensorsWriter();
        foreach (string name in weights.Names)
        {
            float[] data = weights.ReadFloat32(name);
            if (Update(pet, name) is var (site, rowOffset))
            {
                long[] shape = weights.Shape(name);
                AddLowRank(data, (int)shape[0], (int)shape[1], pet[site.A], pet[site.B], site.Rank, rowOffset, (float)site.Scale);
            }

            writer.Add(name, data, weights.Shape(name));
        }

        writer.Write(path);
    }

    /// <summary>Replaces the PET inputs of <paramref name="model"/> by initializers holding their values (adapters cannot be folded into weights).</summary>
    public static void FreezeInputs(ModelProto model, PetParameters pet)
    {
        var names = pet.Layout.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var input in model.Graph.Input.Where(i => names.ContainsKey(i.Name)).ToArray())
        {
            model.Graph.Input.Remove(input);
            model.Graph.Initializer.Add(Tensors.Create<float>(input.Name, pet[input.Name], names[input.Name].Shape));
        }
    }

    /// <summary>The LoRA adding to Hugging Face weight <paramref name="weightName"/>, and the first row of B that belongs to it.</summary>
    private static (LoraSite Site, int RowOffset)? Update(PetParameters pet, string weightName)
    {
        if (!weightName.EndsWith(".weight", StringComparison.Ordinal))
        {
            return null;
        }

        string linear = weightName[..^".weight".Length];
        if (pet.Layout.Lora(linear) is { } site)
        {
            return (site, 0);
        }

        int part = Array.FindIndex(["q_proj", "k_proj", "v_proj"], p => linear.EndsWith(".self_attn." + p, StringComparison.Ordinal));
        if (part < 0)
        {
            return null;
        }

        string layer = linear[..linear.LastIndexOf(".self_attn.", StringComparison.Ordinal)];
        if (pet.Layout.QkvLora(layer) is not { } qkv)
        {
            return null;
        }

        int hidden = (int)pet.Layout.Tensors.First(t => t.Name == layer + QkvSuffix + ".lora_A").Shape[1];
        return (qkv, part * hidden);
    }

    /// <summary>W[o, i] += s · Σ_r B[rowOffset + o, r] · A[r, i].</summary>
    private static void AddLowRank(float[] w, int rows, int cols, float[] a, float[] b, int rank, int rowOffset, float scale)
    {
        for (int o = 0; o < rows; o++)
        {
            var row = w.AsSpan(o * cols, cols);
            for (int r = 0; r < rank; r++)
            {
                float coefficient = scale * b[((rowOffset + o) * rank) + r];
                var aRow = a.AsSpan(r * cols, cols);
                for (int i = 0; i < cols; i++)
                {
                    row[i] += coefficient * aRow[i];
                }
            }
        }
    }
}
