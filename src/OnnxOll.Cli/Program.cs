using System.CommandLine;
using OnnxOll.Cli.Commands;

var root = new RootCommand("OnnxOll: online lifelong learning of CLIP models on ONNX Runtime (SIT loss, PET tuning).");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}

return root.Parse(args).Invoke();
