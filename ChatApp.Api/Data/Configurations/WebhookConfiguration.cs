using ChatApp.Api.Data.Entities;
using ChatApp.Api.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatApp.Api.Data.Configurations;

public class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> builder)
    {
        builder.ToTable("webhook_endpoints");
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Url).HasMaxLength(WebhookRules.MaxUrlLength);
        builder.Property(e => e.Description).HasMaxLength(WebhookRules.MaxDescriptionLength);
        builder.Property(e => e.Secret).HasMaxLength(100);
    }
}

public class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries");
        // By default, not always: the outbox gives ids from the sequence itself, so events written together keep their order.
        builder.Property(d => d.Id).UseIdentityByDefaultColumn();
        builder.Property(d => d.Event).HasMaxLength(64);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.LastError).HasMaxLength(WebhookRules.MaxErrorLength);
        builder.HasOne(d => d.Endpoint).WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(d => d.DeliveryId).IsUnique();
        // The admin's recent deliveries, newest first.
        builder.HasIndex(d => new { d.EndpointId, d.Id });
        // Each endpoint's queue head, for the delivery workers.
        builder.HasIndex(d => new { d.EndpointId, d.Id }, "pending").HasDatabaseName("ix_webhook_deliveries_pending").HasFilter("status = 'Pending'");
        builder.HasIndex(d => d.CompletedAt);
    }
}
