using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OnnxOll.Serving.Tests;

/// <summary>HTTP calls the tests make against a running service.</summary>
public static class ServiceClient
{
    public static HttpContent Raw(byte[] image)
    {
        var content = new ByteArrayContent(image);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/bmp");
        return content;
    }

    public static Task<HttpResponseMessage> Observe(HttpClient http, string label, byte[] image) =>
        http.PostAsync($"/v1/observations?label={Uri.EscapeDataString(label)}", Raw(image));

    public static async Task<JsonElement> Json(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<JsonElement> Status(HttpClient http) => await Json(await http.GetAsync("/v1/status"));

    /// <summary>Waits until the learner has consumed the log to its end and a checkpoint covers it.</summary>
    public static async Task<JsonElement> WaitUntilLearned(HttpClient http, long samples, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await Status(http);
            if (status.GetProperty("samples_learned").GetInt64() >= samples
                && status.GetProperty("lag").GetInt64() == 0
                && status.GetProperty("checkpoint_cursor").ValueKind == JsonValueKind.Number
                && status.GetProperty("checkpoint_cursor").GetInt64() == status.GetProperty("log_end").GetInt64())
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not learned within {timeout}: {status}");
            await Task.Delay(50);
        }
    }
}
