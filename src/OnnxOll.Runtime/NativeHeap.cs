using System.Runtime.InteropServices;

namespace OnnxOll.Runtime;

/// <summary>Returns memory that native code freed (e.g. ONNX Runtime's folded constants, released once pre-packed) to the
/// operating system, where the C library keeps it for reuse otherwise.</summary>
public static partial class NativeHeap
{
    /// <summary>Trims glibc's malloc heaps (<c>malloc_trim(0)</c>); true when something was released. Elsewhere nothing happens.</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallocTrim(0) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            // Not glibc (e.g. musl): no trim function; its allocator returns large blocks by itself.
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
