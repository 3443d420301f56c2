using static Interlock.Actions.OperationClass;

namespace Interlock.Knowledge;

/// <summary>Text and file tools with a language of their own that can run commands: awk programs, fd's -x/-X.</summary>
internal static class CodeTools
{
    public static ProgramSpec[] Programs { get; } =
    [
        // The awk semantics parses its own options (-v, -f, -e, -i inplace) and reads the program for system(), pipes and redirections.
        new("awk gawk mawk nawk", new CommandRow("", Read, "filters text") { Targets = false, Semantics = "awk" }),
        new("fd fdfind", new CommandRow("", Read, "lists files") { Targets = false, Semantics = "fd" }),
    ];
}
