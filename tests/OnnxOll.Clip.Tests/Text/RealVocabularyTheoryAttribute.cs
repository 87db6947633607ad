using Xunit;

namespace OnnxOll.Clip.Tests.Text;

/// <summary>A theory that is skipped with one line when the real CLIP vocabulary is absent.</summary>
public sealed class RealVocabularyTheoryAttribute : TheoryAttribute
{
    public RealVocabularyTheoryAttribute()
    {
        if (RealVocabulary.Directory is null)
        {
            Skip = RealVocabulary.SkipReason;
        }
    }
}
