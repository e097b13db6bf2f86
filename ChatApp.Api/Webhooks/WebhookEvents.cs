using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatApp.Api.Webhooks;

/// <summary>The events endpoints can subscribe to, and the one JSON envelope every delivery body has.</summary>
public static class WebhookEvents
{
    public const string ConversationCreated = "conversation.created";
    public const string ConversationAssigned = "conversation.assigned";
    public const string ConversationClosed = "conversation.closed";
    public const string MessageCreated = "message.created";
    public const string RatingCreated = "rating.created";

    /// <summary>Sent by "Send test event" only; no endpoint subscribes to it.</summary>
    public const string Test = "webhook.test";

    public static readonly IReadOnlyList<string> All =
        [ConversationCreated, ConversationAssigned, ConversationClosed, MessageCreated, RatingCreated];

    /// <summary>camelCase, enums as strings: the same JSON as the REST API.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary><c>{ id, event, createdAt, data }</c>: <c>id</c> is the event's (the same for every endpoint).</summary>
    public static string Envelope(string eventName, DateTimeOffset createdAt, object data) =>
        JsonSerializer.Serialize(new WebhookEnvelope(Guid.NewGuid(), eventName, createdAt, data), Json);
}

public sealed record WebhookEnvelope(Guid Id, string Event, DateTimeOffset CreatedAt, object Data);
