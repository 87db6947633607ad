using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;

namespace OnnxOll.TestSupport.Models;

/// <summary>PET tensors whose every value is drawn uniformly from ±scale, so none is zero.</summary>
public static class RandomPet
{
    /// <summary>Creates the parameters of <paramref name="spec"/> with <paramref name="seed"/>, then overwrites every value from <c>new Random(valueSeed ?? seed)</c>.</summary>
    public static PetParameters Create(ClipConfig config, string spec, double scale, int seed, int? valueSeed = null)
    {
        var pet = PetParameters.Create(new PetLayout(PetSpec.Parse(spec), config), seed);
        var random = new Random(valueSeed ?? seed);
        foreach (var t in pet.Layout.Tensors)
        {
            var data = pet[t.Name];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
            }
        }

        return pet;
    }
}
