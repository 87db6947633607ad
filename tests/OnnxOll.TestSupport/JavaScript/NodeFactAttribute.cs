using OnnxOll.TestSupport.Browsers;

namespace OnnxOll.TestSupport.JavaScript;

/// <summary>A fact that needs Node.js and npm (.ci/run installs Debian's nodejs and npm), and with <see cref="Browser"/> also headless Chromium;
/// skipped, with one line, without them.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    private bool browser;

    public NodeFactAttribute()
    {
        if (NodeTools.Node is null || NodeTools.Npm is null)
        {
            Skip = "no Node.js/npm on PATH (apt-get install nodejs npm, as .ci/run does)";
        }
    }

    /// <summary>The test also drives headless Chromium.</summary>
    public bool Browser
    {
        get => browser;
        set
        {
            browser = value;
            if (value && Skip is null && !HeadlessChromium.Available)
            {
                Skip = $"no headless browser ({HeadlessChromium.Browser} and {HeadlessChromium.Driver}; apt-get install chromium chromium-driver, as .ci/run does)";
            }
        }
    }
}
