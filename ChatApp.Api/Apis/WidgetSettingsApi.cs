using ChatApp.Api.Auth;
using ChatApp.Api.Settings;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatApp.Api.Apis;

/// <summary>The widget's look and behaviour: public for the widget to render, managed by admins.</summary>
public static class WidgetSettingsApi
{
    public static IEndpointRouteBuilder MapWidgetSettingsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/widget/settings", GetPublic)
            .WithTags("Widget")
            .AllowAnonymous()
            .WithName("GetPublicWidgetSettings")
            .WithSummary("What the widget needs to render: texts, colour, position, pre-chat fields, business hours, availability now and the upload rule.");

        var admin = app.MapGroup("/api/settings/widget").WithTags("Settings").RequireAuthorization(Policies.Admin);
        admin.MapGet("/", Get).WithName("GetWidgetSettings").WithSummary("The widget settings, with the identity secret.");
        admin.MapPut("/", Update).WithName("UpdateWidgetSettings").WithSummary("Replaces the widget settings.");
        admin.MapPost("/identity-secret", RotateSecret)
            .WithName("RotateIdentitySecret")
            .WithSummary("Makes a new identity secret; identifier hashes made with the old one are refused from now on.");
        return app;
    }

    private static async Task<Ok<PublicWidgetSettingsDto>> GetPublic(HttpContext context, WidgetSettingsService settings, CancellationToken ct)
    {
        // Availability changes as operators come and go: browsers must not keep this for long.
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Ok(await settings.GetPublicAsync(ct));
    }

    private static async Task<Ok<WidgetSettingsDto>> Get(WidgetSettingsService settings, CancellationToken ct) =>
        TypedResults.Ok(await settings.GetForAdminAsync(ct));

    private static async Task<Ok<WidgetSettingsDto>> Update(UpdateWidgetSettingsRequest request, WidgetSettingsService settings, CancellationToken ct) =>
        TypedResults.Ok(await settings.UpdateAsync(request, ct));

    private static async Task<Ok<WidgetSettingsDto>> RotateSecret(WidgetSettingsService settings, CancellationToken ct) =>
        TypedResults.Ok(await settings.RotateIdentitySecretAsync(ct));
}
