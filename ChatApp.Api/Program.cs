using ChatApp.Api.Apis;
using ChatApp.Api.Extensions;
using ChatApp.Api.Hubs;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapDefaultEndpoints();
app.MapOpenApi();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference();
}

app.MapAuthApi();
app.MapWidgetApi();
app.MapWidgetSettingsApi();
app.MapConversationsApi();
app.MapUsersApi();
app.MapUploadsApi();
app.MapReportsApi();
app.MapWebhooksApi();
app.MapAuditApi();
app.MapCannedResponsesApi();
app.MapPresenceApi();
app.MapAssignmentApi();
app.MapHub<ChatHub>("/hubs/chat", options => options.AllowStatefulReconnects = true);

app.Run();
