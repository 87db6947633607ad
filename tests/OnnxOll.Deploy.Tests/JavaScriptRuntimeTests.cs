using System.Text.Json.Nodes;
using OnnxOll.Deploy.Export;
using OnnxOll.TestSupport.Browsers;
using OnnxOll.TestSupport.JavaScript;
using OpenQA.Selenium.Support.UI;

namespace OnnxOll.Deploy.Tests;

/// <summary>An export runs in the JavaScript ONNX Runtimes users deploy to (npm onnxruntime-node, and onnxruntime-web in headless Chromium):
/// the base model without PET inputs, the learned PET fed as inputs, and (web) the .onnx_adapter activated, each equal to OnnxOll's runs to 1e-5.</summary>
[Collection(DeployCollection.Name)]
public sealed class JavaScriptRuntimeTests(DeployFixture fixture)
{
    private static readonly string Harness = Path.Combine(AppContext.BaseDirectory, "JavaScript");

    /// <summary>onnxruntime-node runs the base model from an export with optional PET inputs, and the learned PET fed as inputs from one with
    /// required inputs (it leaves out inputs that have an initializer, so a fed tensor would be ignored; the manifest says so).</summary>
    [NodeFact]
    public void OnnxRuntimeNodeRunsTheBaseModelAndTheLearnedPetFedAsInputs()
    {
        var optional = JavaScriptExportCase.Write(fixture, "node-optional", PetInputMode.Optional);
        optional.AssertMatches(RunNode(optional), fed: false, adapter: false);
        var required = JavaScriptExportCase.Write(fixture, "node-required", PetInputMode.Required);
        required.AssertMatches(RunNode(required), fed: true, adapter: false);
    }

    [NodeFact(Browser = true)]
    public void OnnxRuntimeWebRunsTheBaseModelThePetFedAndTheOnnxAdapterInChromium()
    {
        var export = JavaScriptExportCase.Write(fixture, "web", PetInputMode.Optional);
        using var server = new LoopbackFileServer(new Dictionary<string, string>
        {
            ["/ort/"] = OrtJavaScriptPackages.WebDist,
            ["/harness/"] = Harness,
            ["/case/"] = export.Folder,
        });
        using var browser = new HeadlessChromium();
        browser.WebDriver.Navigate().GoToUrl(new Uri(server.Address, "harness/ort-web.html"));
        string result = new WebDriverWait(browser.WebDriver, TimeSpan.FromSeconds(60))
            .Until(d => browser.WebDriver.ExecuteScript("return window.ortResult;") as string);
        export.AssertMatches(JsonNode.Parse(result)!, fed: false, adapter: true);
        Assert.Empty(browser.Problems());
    }

    private static JsonNode RunNode(JavaScriptExportCase export) =>
        JsonNode.Parse(NodeTools.Run(NodeTools.Node!, [Path.Combine(Harness, "ort-node.mjs"), OrtJavaScriptPackages.Root, export.Folder], Harness,
            TimeSpan.FromMinutes(2)))!;
}
