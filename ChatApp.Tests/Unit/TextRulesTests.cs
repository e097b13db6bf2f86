using ChatApp.Api.Services;

namespace ChatApp.Tests.Unit;

public class TextRulesTests
{
    [Theory]
    [InlineData("a\0b", "NUL character (U+0000)")]
    [InlineData("a\u0007b", "control character (U+0007)")]
    [InlineData("a\u009Bb", "control character (U+009B)")]
    public void Check_RefusesWhatNoColumnCanHold_NamingTheCharacter(string value, string expected)
    {
        var ex = Assert.Throws<ChatException>(() => TextRules.Check(value, "name", "name", 100));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("name", ex.FieldErrors!.Keys);
    }

    [Fact]
    public void Check_RefusesUnpairedSurrogates()
    {
        // Not theory data: xUnit would replace a lone surrogate in a serialized argument.
        Assert.Contains("unpaired surrogate, U+DC00", Assert.Throws<ChatException>(() => TextRules.Check("a\uDC00b", "name", "name", 100)).Message);
        Assert.Contains("unpaired surrogate, U+D83D", Assert.Throws<ChatException>(() => TextRules.Check("a\uD83D", "name", "name", 100)).Message);
    }

    [Fact]
    public void Check_AllowsLineBreaksOnlyInMultilineText_AndKeepsSurrogatePairs()
    {
        Assert.Equal("one\r\ntwo\t😀", TextRules.Check("  one\r\ntwo\t😀 ", "body", "message", 100, multiline: true));
        Assert.Throws<ChatException>(() => TextRules.Check("one\ntwo", "name", "name", 100));
    }

    [Fact]
    public void OptionalName_DropsBidirectionalControls()
    {
        Assert.Equal("gnp.exe", TextRules.OptionalName("\u202Egnp.exe\u202C", "name", "name", 100));
        Assert.Equal("a b", TextRules.OptionalName("a\u2066 b\u2069\u200F", "name", "name", 100));
        Assert.Null(TextRules.OptionalName("\u202E ", "name", "name", 100));
    }

    [Fact]
    public void FileName_IsSafeToShowAndKeepsItsExtensionWhenCut()
    {
        Assert.Equal("gnp.exe", TextRules.FileName("\u202Egnp.exe", 255));
        Assert.Equal("evil.txt", TextRules.FileName("../../etc/\0evil.txt", 255));
        Assert.Equal("file", TextRules.FileName("\u0001\u0002", 255));
        var cut = TextRules.FileName(new string('n', 300) + ".png", 255);
        Assert.Equal(255, cut.Length);
        Assert.EndsWith(".png", cut);
        // Cutting from the start never leaves half a surrogate pair.
        var emoji = TextRules.FileName(string.Concat(Enumerable.Repeat("😀", 200)) + ".png", 255);
        Assert.False(char.IsLowSurrogate(emoji[0]));
    }

    [Fact]
    public void Shorten_NeverCutsASurrogatePairInHalf()
    {
        var body = "a" + string.Concat(Enumerable.Repeat("😀", 100));
        var preview = TextRules.Shorten(body, MessageRules.PreviewLength);
        Assert.True(preview.Length <= MessageRules.PreviewLength);
        Assert.EndsWith("…", preview);
        Assert.False(char.IsHighSurrogate(preview[^2]));
    }
}
