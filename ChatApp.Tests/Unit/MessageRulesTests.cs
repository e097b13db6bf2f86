using ChatApp.Api.Services;

namespace ChatApp.Tests.Unit;

public class MessageRulesTests
{
    [Fact]
    public void Validate_TrimsBodyAndClientId()
    {
        var (id, body) = MessageRules.Validate(" abc ", "  hello \n", hasAttachment: false);
        Assert.Equal("abc", id);
        Assert.Equal("hello", body);
    }

    [Theory]
    [InlineData(null, "hi", false, "clientMessageId")]
    [InlineData("id", "", false, "body")]
    [InlineData("id", "   ", false, "body")]
    public void Validate_RefusesMissingParts(string? id, string? body, bool attachment, string field)
    {
        var ex = Assert.Throws<ChatException>(() => MessageRules.Validate(id, body, attachment));
        Assert.Equal(ChatError.Invalid, ex.Error);
        Assert.Contains(field, ex.FieldErrors!.Keys);
    }

    [Fact]
    public void Validate_AllowsEmptyBodyWithAttachment() =>
        Assert.Equal("", MessageRules.Validate("id", null, hasAttachment: true).Body);

    [Fact]
    public void Validate_RefusesBodyOverTheLimit_SayingBothLengths()
    {
        var ex = Assert.Throws<ChatException>(() => MessageRules.Validate("id", new string('a', MessageRules.MaxBodyLength + 1), false));
        Assert.Contains($"{MessageRules.MaxBodyLength + 1}", ex.Message);
        Assert.Contains($"{MessageRules.MaxBodyLength}", ex.Message);
        Assert.Equal(MessageRules.MaxBodyLength, MessageRules.Validate("id", new string('a', MessageRules.MaxBodyLength), false).Body.Length);
    }

    [Fact]
    public void Validate_RefusesOverLongClientId() =>
        Assert.Throws<ChatException>(() => MessageRules.Validate(new string('x', MessageRules.MaxClientMessageIdLength + 1), "hi", false));

    [Fact]
    public void Preview_CutsLongBodiesAndNamesAttachments()
    {
        Assert.Equal("short", MessageRules.Preview("short", null));
        var preview = MessageRules.Preview(new string('a', 500), null);
        Assert.Equal(MessageRules.PreviewLength, preview.Length);
        Assert.EndsWith("…", preview);
        Assert.Equal("📎 cat.png", MessageRules.Preview("", "cat.png"));
    }
}
