using System.Globalization;
using Microsoft.AspNetCore.Http;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Text;
using OnnxOll.Streams.Log;

namespace OnnxOll.Serving;

/// <summary>Reads and validates the labelled images of an ingest request; any bad one refuses the whole request.</summary>
/// <remarks>Raw bytes with <c>?label=</c>, or multipart/form-data with <c>label</c> fields and <c>image</c> files paired in order.</remarks>
public static class ObservationReader
{
    /// <summary>Longest label accepted, in characters.</summary>
    public const int MaxLabelLength = ClassLabel.MaxLength;

    /// <summary>The request's observations, each image decoded once to prove it is readable.</summary>
    /// <exception cref="RequestError">400 naming the bad image or label, 413 when too large.</exception>
    public static async Task<IReadOnlyList<Observation>> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var parts = await ReadPartsAsync(request, maxBytes, cancellationToken).ConfigureAwait(false);
        if (parts.Count == 0)
        {
            throw new RequestError(400, "no observation: send an image body with ?label=NAME, or multipart 'label' fields and 'image' files.");
        }

        var observations = new List<Observation>(parts.Count);
        for (int i = 0; i < parts.Count; i++)
        {
            var (label, image, name) = parts[i];
            string where = parts.Count == 1 ? name : $"observation {i + 1} ({name})";
            string checkedLabel = CheckLabel(label, where);
            Decode(image, where);
            observations.Add(new Observation(checkedLabel, image));
        }

        return observations;
    }

    /// <summary>The image of a predict request (raw body or a multipart 'image' file), decoded.</summary>
    /// <exception cref="RequestError">400 when missing or undecodable, 413 when too large.</exception>
    public static async Task<RgbImage> ReadImageAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        byte[] bytes;
        string name = "request body";
        if (IsMultipart(request))
        {
            var form = await ReadFormAsync(request, cancellationToken).ConfigureAwait(false);
            var file = form.Files.GetFile("image") ?? throw new RequestError(400, "multipart request has no 'image' file.");
            name = file.FileName;
            bytes = await ReadFileAsync(file, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            bytes = await ReadBodyAsync(request, maxBytes, cancellationToken).ConfigureAwait(false);
        }

        return Decode(bytes, name);
    }

    private static async Task<List<(string? Label, byte[] Image, string Name)>> ReadPartsAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw new RequestError(413, $"request body of {request.ContentLength} bytes exceeds the limit of {maxBytes} bytes.");
        }

        if (!IsMultipart(request))
        {
            var body = await ReadBodyAsync(request, maxBytes, cancellationToken).ConfigureAwait(false);
            return [(request.Query["label"].FirstOrDefault(), body, "request body")];
        }

        var form = await ReadFormAsync(request, cancellationToken).ConfigureAwait(false);
        var labels = form["label"];
        var files = form.Files.GetFiles("image");
        if (labels.Count != files.Count)
        {
            throw new RequestError(400, $"multipart request has {labels.Count} 'label' fields and {files.Count} 'image' files; they pair in order.");
        }

        var parts = new List<(string?, byte[], string)>(files.Count);
        for (int i = 0; i < files.Count; i++)
        {
            parts.Add((labels[i], await ReadFileAsync(files[i], cancellationToken).ConfigureAwait(false), files[i].FileName));
        }

        return parts;
    }

    /// <summary>Only multipart bodies are forms; any other body (curl's default form-urlencoded type included) is the raw image.</summary>
    private static bool IsMultipart(HttpRequest request) =>
        request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The trimmed label, refused (400) as <see cref="ClassLabel.Check"/> refuses it (the CLI's <c>--labels</c> shares the check).</summary>
    internal static string CheckLabel(string? label, string where)
    {
        try
        {
            return ClassLabel.Check(label, where);
        }
        catch (ArgumentException e)
        {
            throw new RequestError(400, e.Message);
        }
    }

    private static RgbImage Decode(byte[] image, string where)
    {
        try
        {
            return ImageDecoder.Decode(image, where);
        }
        catch (InvalidDataException ex)
        {
            throw new RequestError(400, ex.Message);
        }
    }

    private static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            throw new RequestError(ex.StatusCode, $"request body: {ex.Message}");
        }
        catch (InvalidDataException ex)
        {
            throw new RequestError(ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) ? 413 : 400, $"multipart body: {ex.Message}");
        }
        catch (IOException ex)
        {
            // ASP.NET Core's "Unexpected end of Stream, the content may have already been read by another component" means the body
            // ended before its closing boundary: say that, not a guess about server internals.
            throw new RequestError(400, ex.Message.StartsWith("Unexpected end of Stream", StringComparison.Ordinal)
                ? "multipart body: truncated or malformed (it ends before the closing boundary)."
                : $"multipart body: {ex.Message}");
        }
    }

    private static async Task<byte[]> ReadFileAsync(IFormFile file, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream((int)Math.Min(file.Length, int.MaxValue));
        await file.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new RequestError(413, $"request body exceeds the limit of {maxBytes.ToString(CultureInfo.InvariantCulture)} bytes.");
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex)
        {
            throw new RequestError(ex.StatusCode, $"request body: {ex.Message}");
        }

        return buffer.ToArray();
    }
}
