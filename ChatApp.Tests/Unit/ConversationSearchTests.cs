using ChatApp.Api.Services;

namespace ChatApp.Tests.Unit;

public class ConversationSearchTests
{
    [Theory]
    [InlineData("order", "'order':*")]
    [InlineData("  late   order ", "'late':* & 'order':*")]
    [InlineData("o'brien", "'o''brien':*")]
    [InlineData(@"a\b", @"'a\\b':*")]
    [InlineData("order & !refund | (x)", "'order':* & '!refund':* & '(x)':*")]
    [InlineData("vera@example.com", "'vera@example.com':*")]
    [InlineData("a b2", "'a' & 'b2':*")]
    public void ToTsQuery_QuotesEveryWordAsAPrefix(string input, string expected) =>
        Assert.Equal(expected, ConversationSearch.ToTsQuery(input));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!! & | :*")]
    public void ToTsQuery_WithNothingToSearchFor_IsNull(string input) => Assert.Null(ConversationSearch.ToTsQuery(input));

    [Fact]
    public void ToTsQuery_KeepsAtMostEightWords_AndRefusesLongQueries()
    {
        Assert.Equal(ConversationSearch.MaxTerms, ConversationSearch.ToTsQuery(string.Join(' ', Enumerable.Range(0, 20).Select(i => $"w{i}")))!.Split(" & ").Length);
        var ex = Assert.Throws<ChatException>(() => ConversationSearch.ToTsQuery(new string('a', ConversationSearch.MaxQueryLength + 1)));
        Assert.Equal(ChatError.Invalid, ex.Error);
    }

    [Fact]
    public void ParseHeadline_SplitsMarksIntoOffsets_AndFlattensLineBreaks()
    {
        var match = ConversationSearch.ParseHeadline(7, "Where is my \uE000order\uE001?\nI \uE000ordered\uE001 it");
        Assert.Equal(7, match.MessageId);
        Assert.Equal("Where is my order? I ordered it", match.Text);
        Assert.Equal([new TextRangeDto(12, 5), new TextRangeDto(21, 7)], match.Highlights);
    }
}
