using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Runtime;

namespace OnnxOll.Inference;

/// <summary>What classifying with a CLIP model needs: its evaluation graphs with PET inputs, tokenizer, preprocessing and logit scale.</summary>
/// <remarks>A model folder (<see cref="ClipModelRuntime"/>) and an exported folder both provide it, so evaluation and prediction run on either.</remarks>
public interface IClipInference
{
    /// <summary>Identity of the base model (config + weights headers).</summary>
    string ModelHash { get; }

    /// <summary>The model config.</summary>
    ClipConfig Config { get; }

    /// <summary>The PET tensors the graphs take as inputs.</summary>
    PetLayout Layout { get; }

    /// <summary><c>pixel_values</c> (+ PET) to L2-normalised <c>image_embeds</c>.</summary>
    OnnxSession Vision { get; }

    /// <summary><c>input_ids</c> (+ PET) to L2-normalised <c>text_embeds</c>.</summary>
    OnnxSession Text { get; }

    /// <summary>The tokenizer, padded to the text tower's context length.</summary>
    ClipTokenizer Tokenizer { get; }

    /// <summary>The image preprocessing (from <c>preprocessor_config.json</c> when present).</summary>
    ClipImagePreprocessorOptions Preprocessing { get; }

    /// <summary>The frozen logit scale (log of the softmax temperature's inverse).</summary>
    double LogitScale { get; }
}
