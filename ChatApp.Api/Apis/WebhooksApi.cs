using ChatApp.Api.Auth;
using ChatApp.Api.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApp.Api.Apis;

/// <summary>Webhook endpoints and their deliveries, for admins.</summary>
public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.Admin);
        group.MapGet("/", List).WithName("ListWebhooks").WithSummary("The webhook endpoints (without their secrets).");
        group.MapGet("/events", () => TypedResults.Ok(WebhookEvents.All))
            .WithName("ListWebhookEvents")
            .WithSummary("The events an endpoint can subscribe to.");
        group.MapPost("/", Create)
            .WithName("CreateWebhook")
            .WithSummary("Registers an endpoint: URL, events, enabled. The answer holds the signing secret.");
        group.MapGet("/{id:guid}", Get).WithName("GetWebhook").WithSummary("One endpoint, with its signing secret.");
        group.MapPut("/{id:guid}", Update)
            .WithName("UpdateWebhook")
            .WithSummary("Replaces an endpoint's URL, description, events and enabled flag; the secret stays.");
        group.MapDelete("/{id:guid}", Delete).WithName("DeleteWebhook").WithSummary("Deletes an endpoint and its deliveries.");
        group.MapPost("/{id:guid}/secret", RotateSecret)
            .WithName("RotateWebhookSecret")
            .WithSummary("Makes a new signing secret; deliveries from now on are signed with it.");
        group.MapGet("/{id:guid}/deliveries", ListDeliveries)
            .WithName("ListWebhookDeliveries")
            .WithSummary("The endpoint's recent deliveries, newest first: event, status, attempts, last response code or error.");
        group.MapPost("/{id:guid}/test", SendTest)
            .WithName("SendWebhookTest")
            .WithSummary("Queues a webhook.test event for the endpoint.");
        group.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redeliver", Redeliver)
            .WithName("RedeliverWebhook")
            .WithSummary("Sends a delivery's event again, as a new delivery with the same body.");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<WebhookDto>>> List(WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Ok(await webhooks.ListAsync(ct));

    private static async Task<Created<WebhookDto>> Create(SaveWebhookRequest request, WebhookService webhooks, CancellationToken ct)
    {
        var created = await webhooks.CreateAsync(request, ct);
        return TypedResults.Created($"/api/webhooks/{created.Id}", created);
    }

    private static async Task<Ok<WebhookDto>> Get(Guid id, WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Ok(await webhooks.GetAsync(id, ct));

    private static async Task<Ok<WebhookDto>> Update(Guid id, SaveWebhookRequest request, WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Ok(await webhooks.UpdateAsync(id, request, ct));

    private static async Task<NoContent> Delete(Guid id, WebhookService webhooks, CancellationToken ct)
    {
        await webhooks.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<WebhookDto>> RotateSecret(Guid id, WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Ok(await webhooks.RotateSecretAsync(id, ct));

    private static async Task<Ok<IReadOnlyList<WebhookDeliveryDto>>> ListDeliveries(
        Guid id, WebhookService webhooks, CancellationToken ct, int limit = 50) =>
        TypedResults.Ok(await webhooks.ListDeliveriesAsync(id, limit, ct));

    private static async Task<Accepted<WebhookDeliveryDto>> SendTest(Guid id, WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Accepted((string?)null, await webhooks.SendTestAsync(id, ct));

    private static async Task<Accepted<WebhookDeliveryDto>> Redeliver(Guid id, Guid deliveryId, WebhookService webhooks, CancellationToken ct) =>
        TypedResults.Accepted((string?)null, await webhooks.RedeliverAsync(id, deliveryId, ct));
}
