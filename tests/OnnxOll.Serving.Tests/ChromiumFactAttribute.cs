namespace OnnxOll.Serving.Tests;

/// <summary>A fact that needs Debian's chromium and chromedriver (.ci/run installs them) and is skipped, with one line, without them.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Browser = "/usr/bin/chromium";

    public const string Driver = "/usr/bin/chromedriver";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Browser) || !File.Exists(Driver))
        {
            Skip = $"no headless browser ({Browser} and {Driver}; apt-get install chromium chromium-driver, as .ci/run does)";
        }
    }
}
