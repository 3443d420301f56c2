namespace Interlock.Shell;

/// <summary>
/// A word after expansion. Parts unknown before run time appear as <see cref="Unknown"/> in <see cref="Text"/>;
/// <see cref="ProcessSource"/> says what a process substitution (<c>&lt;(curl …)</c>) in it produces;
/// <see cref="Expanded"/> that a variable or substitution supplied part of it.
/// </summary>
public readonly record struct ShellArg(string Text, bool Dynamic, bool Glob, StreamKind ProcessSource = StreamKind.None, bool Expanded = false)
{
    /// <summary>Stands for text the analyzer cannot know (an unset variable, a command's output).</summary>
    public const char Unknown = '\uE000';

    public static ShellArg Static(string text) => new(text, false, false);

    /// <summary>The text as a person would read it, with unknown parts shown as <c>…</c>.</summary>
    public string Display => Dynamic ? DisplayText(Text) : Text;

    /// <summary>Text with unknown parts shown as <c>…</c>.</summary>
    public static string DisplayText(string text) => text.Replace(Unknown, '…');

    public override string ToString() => Display;
}
