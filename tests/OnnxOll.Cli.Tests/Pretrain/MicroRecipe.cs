using OnnxOll.Clip.Text;

namespace OnnxOll.Cli.Tests.Pretrain;

/// <summary>A micro recipe on the tiny generated vocabulary and a synthetic shapes stream: a pretraining run of a few seconds.</summary>
internal static class MicroRecipe
{
    public const string Data = "synthetic:colours=4,shapes=2,textures=1,train=24,test=6,seed=1";

    /// <summary>Writes the recipe and the tokenizer files under <paramref name="root"/>; returns (recipe path, tokenizer folder).</summary>
    public static (string Recipe, string Tokenizer) Write(string root, int epochs)
    {
        string tokenizer = Path.Combine(root, "tokenizer");
        TinyVocabulary.Write(tokenizer);
        string recipe = Path.Combine(root, "micro-test.json");
        File.WriteAllText(recipe, $$"""
            {
              "name": "micro-test",
              "config": {
                "projection_dim": 16,
                "text_config": { "vocab_size": {{TinyVocabulary.VocabSize}}, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
                                 "num_attention_heads": 2, "max_position_embeddings": 16, "eos_token_id": {{TinyVocabulary.EndOfTextId}} },
                "vision_config": { "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2, "image_size": 32, "patch_size": 8 }
              },
              "pretrain": { "epochs": {{epochs}}, "batch": 16, "lr": 3e-3, "warmup_steps": 3, "templates": ["a photo of a {}.", "a {}."], "eval_per_class": 6 }
            }
            """);
        return (recipe, tokenizer);
    }
}
