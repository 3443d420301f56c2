namespace Interlock.Knowledge.Packs;

/// <summary>
/// The keys a knowledge pack may use, at each level. One list for both readers of the format: the run-time
/// <c>KnowledgePackLoader</c> and the build-time generator, which compiles this file in as well.
/// </summary>
internal static class PackSchema
{
    public static readonly string[] TopKeys = ["version", "programs", "tests"];

    public static readonly string[] ProgramKeys =
        ["names", "options", "flags", "value_options", "pair_options", "exec_options", "help_options", "short_flag_clusters", "semantics", "detect_environment", "rows"];

    public static readonly string[] RowKeys =
    [
        "path", "class", "reason", "any_flag", "no_flag", "any_arg", "targets", "target_options", "output_options", "output_operand",
        "path_targets", "reads_content", "shared", "irreversible", "min_tier", "tags", "semantics",
    ];

    public static readonly string[] TestKeys = ["command", "decision", "class", "cwd"];
}
