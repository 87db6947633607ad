using OnnxOll.Cli.Commands;

return OnnxOllCli.Invoke(args);
