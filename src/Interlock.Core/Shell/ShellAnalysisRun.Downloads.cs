using Interlock.Actions;

namespace Interlock.Shell;

// Downloads from object storage and backup repositories into local files: a read of the remote side and a write of the
// local one, decided by where that write lands (as `curl -o FILE URL`, `git clone URL` or `aws s3 cp s3://B/K ./x`).
internal sealed partial class ShellAnalysisRun
{
    /// <summary>
    /// A copy verb of a storage tool (`gsutil cp`, `rclone copy`, `azcopy copy`, `mc cp`): from one remote source to one
    /// local destination it writes only that local path; every other shape (uploads, remote to remote, several sources,
    /// deletion options, a destination that may be a remote alias) keeps the row's shared change.
    /// </summary>
    internal StreamSource? ObjectDownload(SemanticsCall c)
    {
        var op = c.Op;
        ShellArg? src = null, dst = null;
        int count = 0;
        foreach (var operand in c.Operands)
        {
            if (++count == 1) src = operand;
            else dst = operand;
        }
        if (count != 2 || src is not { } source || dst is not { } destination) return null;
        foreach (var option in c.Inv.Options)
            if (option.Name.Contains("delete", StringComparison.Ordinal) || option.Name is "--remove" or "--move") return null;
        if (!IsRemoteObject(op.Program, source.Text) || !IsLocalPath(op.Program, destination.Text)) return null;
        op.Class = OperationClass.Create;
        op.Reason = "downloads objects into local files";
        op.Shared = false;
        op.Irreversible = false;
        op.MinTier = null;
        op.Targets.Clear();
        op.PathTargets = true;
        op.Targets.Add(ResolvePath(destination, c.Ctx));
        return null;
    }

    /// <summary>An extraction into the current directory (`borg extract REPO::ARCHIVE`): a create of the directory it runs in.</summary>
    internal StreamSource? ExtractHere(SemanticsCall c)
    {
        var op = c.Op;
        op.Targets.Clear();
        op.PathTargets = true;
        op.ReadsContent = false;
        op.Targets.Add(ResolvePath(ShellArg.Static("."), c.Ctx));
        return null;
    }

    // Each tool's own spelling of a remote object; anything else is not known to be one.
    private static bool IsRemoteObject(string program, string text) => program switch
    {
        "gsutil" or "gcloud" => text.StartsWith("gs://", StringComparison.Ordinal),
        "s5cmd" => text.StartsWith("s3://", StringComparison.Ordinal),
        "b2" => text.StartsWith("b2://", StringComparison.Ordinal),
        "azcopy" => text.StartsWith("https://", StringComparison.Ordinal),
        // rclone's remotes are NAME:PATH, spelled as scp's HOST:PATH (a colon before any slash).
        "rclone" => RemoteSpec(text),
        // mc names remotes ALIAS/BUCKET/KEY, which a relative path also matches: a remote is a word with a slash that
        // no local spelling (/, ./, ../, ~) starts.
        "mc" => text.Contains('/', StringComparison.Ordinal) && !LocalSpelling(text),
        _ => false,
    };

    private static bool IsLocalPath(string program, string text) => program switch
    {
        // An mc word that is not spelled as a local path may be an alias: only explicit local spellings are local.
        "mc" => LocalSpelling(text) || text == ".",
        "rclone" => !RemoteSpec(text),
        _ => !text.Contains("://", StringComparison.Ordinal),
    };

    private static bool LocalSpelling(string text) =>
        text.StartsWith('/') || text.StartsWith("./", StringComparison.Ordinal) || text.StartsWith("../", StringComparison.Ordinal) || text.StartsWith('~');
}
