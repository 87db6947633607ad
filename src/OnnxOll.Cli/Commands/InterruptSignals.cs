using System.Runtime.InteropServices;

namespace OnnxOll.Cli.Commands;

/// <summary>Turns Ctrl-C and SIGTERM into a cancellation (so a long job checkpoints and exits) for as long as it is not disposed.</summary>
public sealed class InterruptSignals : IDisposable
{
    private readonly CancellationTokenSource cancel = new();
    private readonly PosixSignalRegistration sigterm;

    /// <summary>Starts listening.</summary>
    public InterruptSignals()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            cancel.Cancel();
        });
    }

    /// <summary>Cancelled on the first Ctrl-C or SIGTERM.</summary>
    public CancellationToken Token => cancel.Token;

    /// <inheritdoc/>
    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        sigterm.Dispose();
        cancel.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        cancel.Cancel();
    }
}
