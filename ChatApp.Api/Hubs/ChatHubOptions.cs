namespace ChatApp.Api.Hubs;

public class ChatHubOptions
{
    public const string Section = "Chat";

    /// <summary>Messages one visitor or staff user may send per second, over all its connections and REST together; the excess is refused, not queued.</summary>
    public int MaxMessagesPerSecond { get; set; } = 20;

    /// <summary>Typing updates one visitor or staff user may send per second.</summary>
    public int MaxTypingPerSecond { get; set; } = 5;

    /// <summary>Read receipts (<c>MarkRead</c>) one visitor or staff user may send per second.</summary>
    public int MaxReadsPerSecond { get; set; } = 5;

    /// <summary>Live hub connections one visitor token may hold (a connection per open tab).</summary>
    public int MaxConnectionsPerVisitor { get; set; } = 10;

    /// <summary>
    /// Hub calls one connection may have running at once. Sends are queued to the writer in the order they arrive,
    /// so a connection's messages keep their order while it waits for several commits at a time (a message with an
    /// attachment is queued once its upload is checked, so a text sent right behind it may overtake it).
    /// </summary>
    public int MaxParallelInvocationsPerClient { get; set; } = 8;

    /// <summary>How often staff get the batched previews of new messages (<c>ConversationsUpdated</c>).</summary>
    public TimeSpan PreviewInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Largest hub message a client may send, in bytes (a 4,000-character body fits easily).</summary>
    public long MaximumReceiveMessageSize { get; set; } = 32 * 1024;
}
