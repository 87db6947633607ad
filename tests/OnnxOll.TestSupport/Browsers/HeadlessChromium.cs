using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace OnnxOll.TestSupport.Browsers;

/// <summary>Debian's headless Chromium driven through chromedriver, with the browser console captured; disposing stops both.</summary>
public sealed class HeadlessChromium : IDisposable
{
    public const string Browser = "/usr/bin/chromium";

    public const string Driver = "/usr/bin/chromedriver";

    private readonly ChromeDriverService service;

    public HeadlessChromium()
    {
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.SuppressInitialDiagnosticInformation = true;
        WebDriver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public static bool Available => File.Exists(Browser) && File.Exists(Driver);

    public ChromeDriver WebDriver { get; }

    /// <summary>The browser console's warnings and errors so far.</summary>
    public string[] Problems() =>
        [.. WebDriver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message)];

    public void Dispose()
    {
        WebDriver.Dispose();
        service.Dispose();
    }
}
