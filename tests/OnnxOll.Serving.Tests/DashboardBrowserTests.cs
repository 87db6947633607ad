using System.Globalization;
using OnnxOll.TestSupport.Browsers;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace OnnxOll.Serving.Tests;

public sealed class DashboardBrowserTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [ChromiumFact]
    public async Task TheDashboardLoadsWithoutConsoleErrorsAndPlotsThePointsTheStatusReports()
    {
        // Two full batches of 4 and a long maximum wait: no seal can cut a batch early on a busy machine.
        await using var server = await LiveServer.StartAsync(fixture.Options("dashboard") with { MaxWait = TimeSpan.FromSeconds(30) });
        using var http = new HttpClient { BaseAddress = server.Address };
        for (int i = 0; i < 8; i++)
        {
            await ServiceClient.Observe(http, ColourImages.Classes[i % 4], ColourImages.Bmp(i % 4, i));
        }

        var status = await ServiceClient.WaitUntilLearned(http, 8, TimeSpan.FromMinutes(2));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.PostAsync("/v1/predict", ServiceClient.Raw(ColourImages.Bmp(2, 99)))).StatusCode);
        var history = status.GetProperty("history").EnumerateArray().ToArray();
        Assert.Equal(2, history.Length);

        using var browser = new HeadlessChromium();
        var driver = browser.WebDriver;
        driver.Navigate().GoToUrl(server.Address);
        new WebDriverWait(driver, TimeSpan.FromSeconds(30)).Until(d => d.FindElement(By.TagName("body")).GetAttribute("data-samples") == "8");

        // The page re-renders on every status poll, so values are read in one script run (elements found earlier can go stale).
        Assert.Equal(history.Select(p => p.GetProperty("samples").GetInt64()), Read(driver, "#plot circle.loss", "data-samples").Select(v => long.Parse(v, CultureInfo.InvariantCulture)));
        Assert.Equal(history.Select(p => p.GetProperty("loss").GetDouble()), Read(driver, "#plot circle.loss", "data-loss").Select(v => double.Parse(v, CultureInfo.InvariantCulture)));
        Assert.Equal(history.Select(p => p.GetProperty("accuracy").GetDouble()), Read(driver, "#plot circle.acc", "data-accuracy").Select(v => double.Parse(v, CultureInfo.InvariantCulture)));
        // Axes with ticks, a legend, and the accuracy's moving average over the last 10 batches (here: the running mean of two).
        Assert.True(Read(driver, "#plot line.tick.x", "x1").Length >= 2);
        Assert.Equal(["0 %", "25 %", "50 %", "75 %", "100 %"], Read(driver, "#plot text.tick-label.acc", null));
        Assert.NotEmpty(Read(driver, "#plot text.tick-label.loss", null));
        Assert.Equal(["samples learned"], Read(driver, "#plot text.axis-title.x", null));
        Assert.Equal(["loss (right axis)", "accuracy per batch", "accuracy, mean of 10"], Read(driver, "#plot .legend text", null));
        var accuracies = history.Select(p => p.GetProperty("accuracy").GetDouble()).ToArray();
        double[] expected = [accuracies[0], (accuracies[0] + accuracies[1]) / 2];
        var average = Read(driver, "#plot polyline.acc-average", "data-values").Single().Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture));
        Assert.Equal(expected, average, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(["red", "green", "blue", "yellow"], Read(driver, "#classes li", null));
        Assert.Single(Read(driver, "#predictions tr", null));

        var problems = browser.Problems();
        Assert.True(problems.Length == 0, "browser console: " + string.Join(" | ", problems));
    }

    /// <summary>The attribute (or, for null, the text) of every element matching <paramref name="selector"/>, read in one script run.</summary>
    private static string[] Read(ChromeDriver driver, string selector, string? attribute) =>
        [.. ((IReadOnlyCollection<object>)driver.ExecuteScript(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => arguments[1] === null ? e.textContent.trim() : e.getAttribute(arguments[1]));",
            selector, attribute!)!).Select(v => (string)v)];
}
