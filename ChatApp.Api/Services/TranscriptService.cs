using System.Globalization;
using System.Text;
using ChatApp.Api.Data.Entities;
using ChatApp.Api.Uploads;

namespace ChatApp.Api.Services;

public record TranscriptFile(string FileName, string Text);

/// <summary>
/// A conversation as readable plain text, for its visitor or for staff. It is read through the same access rules as
/// the history (<see cref="ConversationService.GetMessagesAfterAsync"/>), so a visitor's transcript holds exactly
/// what its widget may show, and never more. Staff transcripts also hold the private notes, marked "[Private note]", and
/// the activity records (assigned, closed, …).
/// </summary>
public class TranscriptService(ConversationService conversations)
{
    public async Task<TranscriptFile> BuildAsync(Caller caller, Guid conversationId, string? timeZone, CancellationToken ct = default)
    {
        var zone = TimeZoneInfo.Utc;
        if (!string.IsNullOrWhiteSpace(timeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone.Trim(), out zone))
        {
            throw ChatException.Invalid("tz", $"\"{timeZone}\" is not a time zone; use an IANA name such as Europe/Paris.");
        }
        var conversation = await conversations.GetAsync(caller, conversationId, ct);
        var messages = new List<MessageDto>();
        for (long after = 0; ;)
        {
            var page = await conversations.GetMessagesAfterAsync(caller, conversationId, after, ConversationService.MaxMessagesPerRead, ct);
            messages.AddRange(page);
            if (page.Count < ConversationService.MaxMessagesPerRead)
            {
                break;
            }
            after = page[^1].Id;
        }

        string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var visitor = conversation.VisitorName ?? "Visitor";
        var text = new StringBuilder()
            .AppendLine($"Conversation with {visitor}")
            .AppendLine($"Started: {Time(conversation.CreatedAt)} ({zone.Id})");
        if (conversation.ClosedAt is { } closedAt)
        {
            text.AppendLine($"Closed: {Time(closedAt)}");
        }
        if (conversation.IsOfflineMessage)
        {
            text.AppendLine("Left as an offline message.");
        }
        if (conversation.Rating is { } rating)
        {
            text.AppendLine($"Rating: {rating.Score}/5{(rating.Comment is null ? "" : $" \"{rating.Comment}\"")}");
        }
        text.AppendLine();
        foreach (var m in messages)
        {
            if (m.IsPrivate && !caller.IsStaff)
            {
                // The history already leaves them out for a visitor; a transcript must never be the one place they leak.
                continue;
            }
            var sender = m.SenderKind switch
            {
                SenderKind.Visitor => m.SenderName ?? visitor,
                SenderKind.Operator => m.SenderName ?? "Support",
                _ => null,
            };
            var lines = new List<string>();
            if (m.Body.Length > 0)
            {
                lines.AddRange(m.Body.ReplaceLineEndings("\n").Split('\n'));
            }
            if (m.Attachment is { } file)
            {
                lines.Add($"[file: {file.FileName}, {UploadRules.Size(file.Size)}]");
            }
            // Staff transcripts hold private notes and activity records too: a note is marked so nobody forwards it as a reply.
            var note = m.IsPrivate && m.SenderKind != SenderKind.System ? "[Private note] " : "";
            var head = sender is null ? $"[{Time(m.CreatedAt)}] —" : $"[{Time(m.CreatedAt)}] {note}{sender}:";
            text.Append(head).Append(' ').AppendLine(lines.FirstOrDefault() ?? "");
            foreach (var line in lines.Skip(1))
            {
                text.Append("    ").AppendLine(line);
            }
        }
        var fileName = $"chat-transcript-{TimeZoneInfo.ConvertTime(conversation.CreatedAt, zone):yyyy-MM-dd}-{conversation.Id.ToString()[..8]}.txt";
        return new TranscriptFile(fileName, text.ToString());
    }
}
