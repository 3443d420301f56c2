namespace Interlock.Knowledge.Packs;

/// <summary>
/// How the generator stores one built-in program for <c>BuiltinPackReader</c> (both compile this file): fields separated
/// by <see cref="FieldSeparator"/>, each row after a <see cref="RowSeparator"/>. A program's first field is its names; a
/// row's first three are its path, class and reason. Every other field is a one-letter code and its value: booleans are
/// <c>true</c>/<c>false</c>, a class or tier is its position in the generator's list of them.
/// </summary>
internal static class PackData
{
    public const char FieldSeparator = '\u001F';
    public const char RowSeparator = '\u001E';

    // Program fields.
    public const char Strict = 'S';
    public const char Flags = 'F';
    public const char ValueOptions = 'V';
    public const char ExecOptions = 'X';
    public const char PairOptions = 'P';
    public const char ShortFlagClusters = 'C';
    public const char DetectEnvironment = 'D';
    public const char Semantics = 'M';

    // Row fields (and Semantics).
    public const char AnyFlag = 'a';
    public const char NoFlag = 'n';
    public const char AnyArg = 'g';
    public const char TargetOptions = 't';
    public const char OutputOptions = 'o';
    public const char Targets = 'T';
    public const char PathTargets = 'p';
    public const char ReadsContent = 'R';
    public const char Shared = 's';
    public const char Irreversible = 'i';
    public const char MinTier = 'm';
    public const char OutputOperand = 'O';
    public const char Tags = 'G';
}
