namespace Interlock.Server.Tests;

/// <summary>Files of this repository (policies, test packages), found from the test binary's directory.</summary>
internal static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Interlock.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Interlock.slnx not found above " + AppContext.BaseDirectory);
    });

    public static string Root => LazyRoot.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>One directory per test run for the files tests write, removed when the run's process exits.</summary>
    private static readonly Lazy<string> LazyScratch = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "interlock-server-tests-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return dir;
    });

    /// <summary>A new empty directory inside this run's scratch directory.</summary>
    public static string TempDirectory(string prefix)
    {
        var dir = Path.Combine(LazyScratch.Value, prefix + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Writes <paramref name="yaml"/> as <c>policy.yaml</c> in a new temporary directory; returns its path.</summary>
    public static string TempPolicy(string yaml)
    {
        var dir = TempDirectory("policy");
        var path = Path.Combine(dir, "policy.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
