using System.Text;
using ChatApp.Api.Data;
using ChatApp.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace ChatApp.Api.Services;

/// <summary>
/// Full-text search of conversations (<c>GET /api/conversations?q=</c>) on PostgreSQL's text search: message text
/// through a GIN expression index on <c>to_tsvector('simple', body)</c>, the visitor's name and e-mail through a stored,
/// GIN-indexed <c>search_vector</c> column. The <c>simple</c> configuration does not stem, so it treats every language
/// alike; each word typed is matched as a prefix, so a search box finds "order" from "ord".
/// </summary>
public static class ConversationSearch
{
    /// <summary>The text search configuration of the indexes; queries must name the same one to use them.</summary>
    public const string Config = "simple";

    public const int MaxQueryLength = 200;
    public const int MaxTerms = 8;

    // Private-use characters mark the matched words in ts_headline's output; they are taken out of the text first.
    private const char StartMark = '\uE000';
    private const char StopMark = '\uE001';
    private static readonly string HeadlineOptions =
        $"StartSel={StartMark}, StopSel={StopMark}, MaxWords=24, MinWords=8, MaxFragments=1, FragmentDelimiter=\" … \"";

    /// <summary>
    /// Turns what a person typed into a <c>to_tsquery</c> text: every word must match, each (but a single letter) as a
    /// prefix. Each word is
    /// quoted, so no operator a person types (<c>&amp; | ! ( ) :</c>) reaches the query syntax. Null when there is
    /// nothing to search for (empty, or punctuation only).
    /// </summary>
    public static string? ToTsQuery(string q)
    {
        q = TextRules.Check(q, "q", "search", MaxQueryLength);
        var terms = q.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(t => t.Any(char.IsLetterOrDigit))
            .Take(MaxTerms)
            // A one-letter prefix would match nearly every message: such a word must match whole.
            .Select(t => $"'{t.Replace("\\", "\\\\").Replace("'", "''")}'{(t.Length > 1 ? ":*" : "")}")
            .ToList();
        return terms.Count == 0 ? null : string.Join(" & ", terms);
    }

    /// <summary>Conversations whose visitor name or e-mail, or any visitor, operator or note text, matches.</summary>
    public static IQueryable<Conversation> Matching(this IQueryable<Conversation> conversations, ChatDbContext db, string tsQuery)
    {
        // Both searches run on their own GIN index and their union of ids is joined back: "IN (… UNION …)" rather than
        // an OR with a correlated EXISTS, which PostgreSQL would answer by searching again for every conversation.
        var ids = db.Conversations
            .Where(c => c.SearchVector.Matches(EF.Functions.ToTsQuery(Config, tsQuery)))
            .Select(c => c.Id)
            .Union(db.Messages
                .Where(m => m.SenderKind != SenderKind.System
                    && EF.Functions.ToTsVector(Config, m.Body).Matches(EF.Functions.ToTsQuery(Config, tsQuery)))
                .Select(m => m.ConversationId));
        return conversations.Where(c => ids.Contains(c.Id));
    }

    // Columns are read by the model's snake_case names (conversation_id, message_id, headline).
    private sealed record HeadlineRow(Guid ConversationId, long MessageId, string Headline);

    /// <summary>For each conversation of a result page, the newest matching message as an excerpt with the matches marked.</summary>
    public static async Task<Dictionary<Guid, SearchMatchDto>> MatchesAsync(
        ChatDbContext db, IReadOnlyCollection<Guid> conversationIds, string tsQuery, CancellationToken ct)
    {
        if (conversationIds.Count == 0)
        {
            return [];
        }
        var ids = conversationIds.ToArray();
        var marks = $"{StartMark}{StopMark}";
        var rows = await db.Database.SqlQuery<HeadlineRow>($"""
            SELECT DISTINCT ON (m.conversation_id) m.conversation_id, m.id AS message_id,
                   ts_headline('simple', translate(m.body, {marks}, ''), to_tsquery('simple', {tsQuery}), {HeadlineOptions}) AS headline
            FROM messages m
            WHERE m.conversation_id = ANY({ids}) AND m.sender_kind <> 'System'
              AND to_tsvector('simple', m.body) @@ to_tsquery('simple', {tsQuery})
            ORDER BY m.conversation_id, m.id DESC
            """).ToListAsync(ct);
        return rows.ToDictionary(r => r.ConversationId, r => ParseHeadline(r.MessageId, r.Headline));
    }

    /// <summary>Splits ts_headline's marked text into plain text and the offsets of the marked words.</summary>
    public static SearchMatchDto ParseHeadline(long messageId, string headline)
    {
        var text = new StringBuilder(headline.Length);
        var highlights = new List<TextRangeDto>();
        var start = -1;
        foreach (var ch in headline)
        {
            if (ch == StartMark)
            {
                start = text.Length;
            }
            else if (ch == StopMark)
            {
                if (start >= 0 && text.Length > start)
                {
                    highlights.Add(new TextRangeDto(start, text.Length - start));
                }
                start = -1;
            }
            else
            {
                // Line breaks would make a one-line excerpt jump; the excerpt reads as one line.
                text.Append(ch is '\n' or '\r' ? ' ' : ch);
            }
        }
        return new SearchMatchDto(messageId, text.ToString(), highlights);
    }
}
