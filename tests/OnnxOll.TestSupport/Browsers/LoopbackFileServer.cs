using System.Net;
using System.Net.Sockets;

namespace OnnxOll.TestSupport.Browsers;

/// <summary>Serves folders over HTTP on 127.0.0.1 (a free port) for browser checks: each URL prefix maps to one folder; nothing else is served.</summary>
public sealed class LoopbackFileServer : IDisposable
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".mjs"] = "text/javascript",
        [".js"] = "text/javascript",
        [".json"] = "application/json",
        [".wasm"] = "application/wasm",
    };

    private readonly HttpListener listener = new();
    private readonly IReadOnlyDictionary<string, string> folders;
    private readonly Task loop;

    /// <param name="folders">URL prefix (e.g. "/ort/") → folder.</param>
    public LoopbackFileServer(IReadOnlyDictionary<string, string> folders)
    {
        this.folders = folders;
        int port = FreePort();
        Address = new Uri($"http://127.0.0.1:{port}/");
        listener.Prefixes.Add(Address.ToString());
        listener.Start();
        loop = Task.Run(Serve);
    }

    public Uri Address { get; }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener's disposal exception.
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var response = context.Response;
            string? file = Resolve(context.Request.Url!.AbsolutePath);
            if (file is null)
            {
                response.StatusCode = 404;
                continue;
            }

            response.ContentType = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
            byte[] bytes = await File.ReadAllBytesAsync(file);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
        }
    }

    private string? Resolve(string path)
    {
        foreach (var (prefix, folder) in folders)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                string root = Path.GetFullPath(folder);
                string file = Path.GetFullPath(Path.Combine(root, Uri.UnescapeDataString(path[prefix.Length..])));
                return file.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(file) ? file : null;
            }
        }

        return null;
    }
}
