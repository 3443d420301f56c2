using static Interlock.Actions.OperationClass;
using static Interlock.Risk.Tier;

namespace Interlock.Knowledge;

/// <summary>What each git subcommand does: which keep history, which destroy local work, which rewrite shared history.</summary>
internal static class GitTable
{
    private const string Reads =
        "status|log|diff|show|blame|annotate|shortlog|describe|rev-parse|rev-list|ls-files|ls-tree|ls-remote|cat-file|grep|"
        + "whatchanged|name-rev|merge-base|count-objects|fsck|check-ignore|check-attr|for-each-ref|show-ref|show-branch|verify-commit|"
        + "verify-tag|help|version|range-diff|cherry|var|difftool|format-patch|archive|bundle|request-pull|citool|gui|gitk|check-ref-format";

    private const string LocalWrites =
        "add|commit|switch|merge|rebase|cherry-pick|revert|mv|rm|init|apply|am|notes|bisect|submodule|sparse-checkout|"
        + "maintenance|commit-graph|pack-refs|repack|prune-packed|update-index|write-tree|commit-tree|hash-object|mktag|mktree|"
        + "fetch|pull|clone|lfs|credential-cache|restore --staged|worktree add|worktree list|worktree prune|remote|config|tag|branch|stash|"
        + "stash push|stash save|stash pop|stash apply|stash list|stash show|stash branch|stash create|stash store|checkout|reset|clean|gc|reflog|reflog show|mergetool|rerere|replace";

    public static ProgramSpec[] Programs { get; } =
    [
        new("git",
            // Shared history: never for an agent.
            new CommandRow("push", HistoryRewrite, "force-pushes over the remote's history")
                { AnyFlag = "-f|--force", Shared = true, Irreversible = true, MinTier = Never, Tags = "force-push", Semantics = "git-push" },
            new CommandRow("push", HistoryRewrite, "force-pushes a refspec over the remote's history")
                { AnyArg = "+*", Shared = true, Irreversible = true, MinTier = Never, Tags = "force-push", Semantics = "git-push" },
            new CommandRow("push", HistoryRewrite, "mirrors every ref to the remote, deleting and overwriting its branches")
                { AnyFlag = "--mirror|--prune", Shared = true, Irreversible = true, MinTier = Never, Tags = "force-push", Semantics = "git-push" },
            new CommandRow("push", Destroy, "deletes a branch or tag on the remote")
                { AnyFlag = "-d|--delete", Shared = true, Irreversible = true, MinTier = Never, Semantics = "git-push" },
            new CommandRow("push", Destroy, "deletes a branch or tag on the remote")
                { AnyArg = ":*", Shared = true, Irreversible = true, MinTier = Never, Semantics = "git-push" },
            new CommandRow("push", HistoryRewrite, "force-pushes with a lease")
                { AnyFlag = "--force-with-lease|--force-if-includes", Tags = "force-push", Semantics = "git-push" },
            new CommandRow("push", Update, "pushes commits to a remote") { Semantics = "git-push" },
            new CommandRow("filter-branch|filter-repo", HistoryRewrite, "rewrites the whole history of the repository")
                { Irreversible = true, MinTier = Never, Targets = false },
            new CommandRow("reflog expire|reflog delete", HistoryRewrite, "destroys the reflog, the record that lets lost commits be recovered")
                { Irreversible = true, MinTier = Never, Targets = false },
            new CommandRow("gc", HistoryRewrite, "prunes unreachable commits immediately, making lost work unrecoverable")
                { AnyFlag = "--prune=now|--prune=all", Irreversible = true, MinTier = Never, Targets = false },
            new CommandRow("prune", HistoryRewrite, "deletes unreachable objects") { Irreversible = true, MinTier = WriteWithConfirmation, Targets = false },
            new CommandRow("update-ref", HistoryRewrite, "deletes a ref") { AnyFlag = "-d", MinTier = WriteWithConfirmation },
            new CommandRow("update-ref|symbolic-ref", Update, "moves a ref by hand") { MinTier = WriteWithConfirmation },

            // Work-destroying local forms: need a human.
            new CommandRow("reset", HistoryRewrite, "discards uncommitted changes and moves the branch") { AnyFlag = "--hard|--merge", Irreversible = true, Targets = false },
            new CommandRow("clean", HistoryRewrite, "deletes untracked files")
                { AnyFlag = "-f|--force", NoFlag = "-n|--dry-run", Irreversible = true, Targets = false },
            new CommandRow("clean", Read, "lists untracked files that would be deleted") { AnyFlag = "-n|--dry-run", Targets = false },
            new CommandRow("checkout", Update, "switches branches or restores files") { Targets = false, Semantics = "git-checkout" },
            new CommandRow("checkout", HistoryRewrite, "switches branch discarding local changes") { AnyFlag = "-f|--force", Irreversible = true },
            new CommandRow("switch", HistoryRewrite, "switches branch discarding local changes") { AnyFlag = "-f|--force|--discard-changes", Irreversible = true },
            new CommandRow("restore", Update, "restores files") { Targets = false, Semantics = "git-checkout" },
            // -f/--force with -d deletes an unmerged branch; alone it resets a branch onto another commit, dropping its commits from it.
            new CommandRow("branch", HistoryRewrite, "force-deletes a branch, even if unmerged") { AnyFlag = "-D|-f|--force", Irreversible = true },
            new CommandRow("branch", HistoryRewrite, "force-deletes a branch, even if unmerged") { AnyFlag = "--delete", Irreversible = true },
            // -M/-C OLD NEW rename or copy over NEW even when it exists (one operand renames the current branch).
            new CommandRow("branch", Update, "renames or copies a branch") { AnyFlag = "-M|-C", NoFlag = "-d|-D|--delete", Targets = false, Semantics = "git-branch-force" },
            // --force removes files even with uncommitted changes, which are then lost.
            new CommandRow("rm", HistoryRewrite, "removes files, discarding their uncommitted changes")
                { AnyFlag = "-f|--force", NoFlag = "--cached|-n|--dry-run", Irreversible = true, Targets = false },
            // The staged files' contents go into history that is pushed: a credential staged is one on its way out.
            new CommandRow("add", Update, "stages files") { PathTargets = true, Semantics = "git-add" },
            new CommandRow("instaweb", Exec, "serves the repository over HTTP with a web server it starts")
                { NoFlag = "--stop|--restart", Targets = false, MinTier = WriteWithConfirmation, Tags = "serves-network" },
            new CommandRow("instaweb", Update, "stops or restarts the repository's web server") { AnyFlag = "--stop|--restart", Targets = false },
            // git refuses to delete an unmerged branch without --force: its commits stay reachable.
            new CommandRow("branch", Update, "deletes a merged branch") { AnyFlag = "-d|--delete", NoFlag = "-D|-f|--force" },
            new CommandRow("stash drop|stash clear", HistoryRewrite, "throws away stashed work") { Irreversible = true, Targets = false },
            new CommandRow("worktree remove", Delete, "removes a linked working tree, discarding its uncommitted changes")
                { AnyFlag = "-f|--force", Irreversible = true, PathTargets = true, MinTier = WriteWithConfirmation },
            new CommandRow("worktree remove", Delete, "removes a clean linked working tree") { PathTargets = true },
            // These run a shell command of the agent's choosing.
            new CommandRow("submodule foreach", Exec, "runs a command in every submodule") { Targets = false, MinTier = WriteWithConfirmation },
            // Writing forms of the listing subcommands below.
            new CommandRow("remote add|remote rename|remote set-url|remote set-head|remote set-branches|remote update|submodule add|submodule update|submodule init|"
                + "submodule sync|submodule set-url|submodule set-branch|submodule absorbgitdirs|lfs install|lfs uninstall|lfs pull|lfs fetch|lfs checkout|lfs track|"
                + "lfs untrack|lfs migrate|lfs prune|notes add|notes append|notes copy|notes edit|notes merge|notes remove|notes prune|config set|config unset|"
                + "config edit|config rename-section|config remove-section|worktree move|worktree lock|worktree unlock|worktree repair",
                Update, "changes the local repository, keeping history") { Targets = false },
            new CommandRow("config * *", Update, "sets configuration") { Targets = false, NoFlag = "--get|--get-all|--get-regexp|--get-urlmatch|-l|--list" },
            new CommandRow("branch|tag", Update, "creates or moves a branch or tag")
                { AnyArg = "*", NoFlag = "-d|-D|--delete|-f|--force|-l|--list|--contains|--no-contains|--merged|--no-merged|--points-at|-v|--verify", Targets = false },
            new CommandRow("tag", Delete, "deletes a tag") { AnyFlag = "-d|--delete" },
            new CommandRow("remote remove|remote rm|remote prune", Update, "removes a remote or its stale branches") { },
            new CommandRow("submodule deinit", Delete, "removes a submodule's working tree") { AnyFlag = "-f|--force|--all" },

            // Reads and history-keeping local writes. Readers write files too: --output=FILE (log, diff, show), format-patch -o DIR.
            new CommandRow("diff", Read, "compares files outside a repository") { AnyFlag = "--no-index", PathTargets = true, OutputOptions = "--output" },
            new CommandRow("format-patch|archive", Read, "writes patches or an archive of repository state") { Targets = false, OutputOptions = "-o|--output-directory|--output" },
            new CommandRow("apply|am", Update, "applies a patch to paths outside the working tree")
                { AnyFlag = "--unsafe-paths", Targets = false, MinTier = WriteWithConfirmation },
            new CommandRow(Reads, Read, "reads repository state") { Targets = false, OutputOptions = "--output" },
            new CommandRow("branch|tag|remote|stash|config|worktree|reflog|notes|submodule|lfs", Read, "lists repository state")
                { Targets = false, NoFlag = "-m|-M|-c|-C|-u|-f|--force|--set-upstream-to|--unset-upstream|--edit|--add|--unset|--replace-all|--unset-all" },
            new CommandRow(LocalWrites, Update, "changes the local repository, keeping history") { Targets = false })
        {
            ValueOptions = "-C -c --git-dir --work-tree --namespace --exec-path --super-prefix --config-env -m --message -F --file -b -B --orphan "
                + "--set-upstream-to --depth --shallow-since --shallow-exclude --branch -o --origin -X --strategy-option -s --strategy -S "
                + "--author --date --format --pretty --since --until --after --before --grep --reference --template -j --jobs --upstream "
                + "--onto --exec --max-count --skip --abbrev --decorate-refs --committer --push-option --receive-pack --repo --recurse-submodules "
                + "--separate-git-dir --object-format --filter --sparse-checkout --conflict --source --pathspec-from-file --reuse-message -C --reedit-message "
                + "--fixup --squash --cleanup --trailer --word-diff --diff-filter --stat -L -G --output --output-directory --directory",
            Semantics = "git",
        },
    ];
}
