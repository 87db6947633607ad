namespace OnnxOll.TestSupport.Browsers;

/// <summary>A fact that needs Debian's chromium and chromedriver (.ci/run installs them) and is skipped, with one line, without them.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!HeadlessChromium.Available)
        {
            Skip = $"no headless browser ({HeadlessChromium.Browser} and {HeadlessChromium.Driver}; apt-get install chromium chromium-driver, as .ci/run does)";
        }
    }
}
