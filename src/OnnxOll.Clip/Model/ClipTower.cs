namespace OnnxOll.Clip.Model;

/// <summary>One of CLIP's two towers.</summary>
public enum ClipTower
{
    /// <summary>The image encoder (<c>vision_model</c>).</summary>
    Vision,

    /// <summary>The text encoder (<c>text_model</c>).</summary>
    Text,
}
