using Xunit;

namespace OnnxOll.Clip.Tests.Text;

/// <summary>A fact that is skipped with one line when the real CLIP vocabulary is absent.</summary>
public sealed class RealVocabularyFactAttribute : FactAttribute
{
    public RealVocabularyFactAttribute()
    {
        if (RealVocabulary.Directory is null)
        {
            Skip = RealVocabulary.SkipReason;
        }
    }
}
