using System.CommandLine;
using System.Net;
using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Serving;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll serve</c>: the live learning service (ingest and predict over HTTP, learning from a durable log).</summary>
public static class ServeCommand
{
    /// <summary>Environment variable holding the bearer token when <c>--token</c> is not given.</summary>
    public const string TokenVariable = "ONNXOLL_TOKEN";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var output = new Option<string>("--out") { Description = "Run folder: checkpoints, metrics and the ingest log (ingest/); a restart resumes it, with the settings its run.json records unless given.", Required = true };
        var data = new Option<string?>("--data") { Description = "Learn from a Redis stream instead of the run's ingest log: redis://HOST:PORT/STREAM?group=G; POST /v1/observations adds to it." };
        var pet = new Option<string>("--pet") { Description = "PET spec.", DefaultValueFactory = _ => "lora:r=4,alpha=1,towers=both,layers=all,targets=q+v" };
        var port = CommonOptions.Between(new Option<int>("--port") { Description = "TCP port (0: any free port).", DefaultValueFactory = _ => 8080 }, 0, 65535);
        var address = new Option<string>("--address") { Description = "Address to bind (default loopback only).", DefaultValueFactory = _ => "127.0.0.1" };
        var token = new Option<string?>("--token") { Description = $"Bearer token required by POST /v1/observations and GET /v1/adapter (default: ${TokenVariable}; none when unset)." };
        var batch = CommonOptions.AtLeast(new Option<int>("--batch") { Description = "Micro-batch size.", DefaultValueFactory = _ => 16 }, 1);
        var iters = CommonOptions.AtLeast(new Option<int>("--iters") { Description = "Gradient steps per micro-batch.", DefaultValueFactory = _ => 3 }, 1);
        var lr = CommonOptions.Positive(new Option<float>("--lr") { Description = "AdamW learning rate.", DefaultValueFactory = _ => 5e-4f });
        var seed = new Option<int>("--seed") { Description = "Seed of the PET initialisation.", DefaultValueFactory = _ => 0 };
        var maxWait = CommonOptions.AtLeast(new Option<int>("--max-wait-ms") { Description = "How long a partial micro-batch waits for more observations.", DefaultValueFactory = _ => 2000 }, 1);
        var maxLag = CommonOptions.AtLeast(new Option<long>("--max-lag") { Description = "Logged but unlearned records beyond which ingest answers 429.", DefaultValueFactory = _ => 4096L }, 1L);
        var replay = CommonOptions.AtLeast(new Option<int>("--replay-window") { Description = "Seconds to keep log segments a checkpoint covers (0: delete at once).", DefaultValueFactory = _ => 0 }, 0);
        var maxBody = CommonOptions.AtLeast(new Option<int>("--max-request-mb") { Description = "Largest request body in MiB.", DefaultValueFactory = _ => 16 }, 1);
        var keep = CommonOptions.AtLeast(new Option<int>("--keep") { Description = "Checkpoints kept.", DefaultValueFactory = _ => 3 }, 1);
        var prompts = CommonOptions.Templates(new Option<string[]>("--prompt") { Description = "Prompt template with {} for the class name; repeat to average.", DefaultValueFactory = _ => ["a bad photo of a {}."] });
        var methods = new Option<string[]>("--method") { Description = "A method as NAME:key=value,... as in learn (ddas: predictions route unrecognised images to the frozen model); repeat for several." };
        var threads = CommonOptions.Threads();
        var provider = CommonOptions.Provider();
        var frozen = CommonOptions.Frozen();
        var command = new Command("serve", "Live online learning over HTTP: POST /v1/observations and /v1/predict, GET /v1/status, /metrics and a dashboard at /.")
        {
            model, output, data, pet, port, address, token, batch, iters, lr, seed, maxWait, maxLag, replay, maxBody, keep, prompts, methods, threads, provider, frozen,
        };
        command.SetAction(parse =>
        {
            string bind = parse.GetValue(address)!;
            MethodSpec[] methodSpecs = [.. (parse.GetValue(methods) ?? []).Select(MethodSpec.Parse)];
            var options = new ServeOptions
            {
                ModelDirectory = parse.GetValue(model)!,
                RunDirectory = parse.GetValue(output)!,
                Data = parse.GetValue(data),
                Pet = MethodCatalog.WithPet(PetSpec.Parse(parse.GetValue(pet)!), methodSpecs),
                Learner = new LearnerOptions
                {
                    BatchSize = parse.GetValue(batch),
                    Iterations = parse.GetValue(iters),
                    LearningRate = parse.GetValue(lr),
                    Seed = parse.GetValue(seed),
                    KeepCheckpoints = parse.GetValue(keep),
                    Prompts = parse.GetValue(prompts)!,
                    EvalEvery = 0,
                    CheckpointEvery = 1,
                    Methods = methodSpecs,
                },
                MaxWait = TimeSpan.FromMilliseconds(parse.GetValue(maxWait)),
                MaxLag = parse.GetValue(maxLag),
                ReplayWindow = TimeSpan.FromSeconds(parse.GetValue(replay)),
                Address = IPAddress.TryParse(bind, out var ip) ? ip : throw new ArgumentException($"--address '{bind}': expected an IP address such as 127.0.0.1."),
                Port = parse.GetValue(port),
                Token = parse.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable),
                MaxRequestBytes = parse.GetValue(maxBody) * 1024L * 1024,
                Sessions = CommonOptions.Settings(parse, threads, provider),
                Frozen = parse.GetValue(frozen),
            };
            return Serve(options);
        });
        return command;
    }

    /// <summary>Runs the service until SIGTERM or Ctrl-C; returns the exit code.</summary>
    public static int Serve(ServeOptions options)
    {
        var server = LiveServer.StartAsync(options, line => Console.Error.WriteLine(line)).GetAwaiter().GetResult();
        try
        {
            Console.WriteLine($"listening on {server.Address} (run {Path.GetFullPath(options.RunDirectory)}); Ctrl-C stops after a final checkpoint");
            server.WaitForShutdownAsync().GetAwaiter().GetResult();
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return 0;
    }
}
