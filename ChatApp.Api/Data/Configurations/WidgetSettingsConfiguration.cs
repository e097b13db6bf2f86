using ChatApp.Api.Data.Entities;
using ChatApp.Api.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatApp.Api.Data.Configurations;

public class WidgetSettingsConfiguration : IEntityTypeConfiguration<WidgetSettings>
{
    public void Configure(EntityTypeBuilder<WidgetSettings> builder)
    {
        builder.ToTable("widget_settings", t => t.HasCheckConstraint("ck_widget_settings_singleton", $"id = {WidgetSettings.SingletonId}"));
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Title).HasMaxLength(WidgetSettingsRules.MaxTitleLength);
        builder.Property(s => s.Subtitle).HasMaxLength(WidgetSettingsRules.MaxSubtitleLength);
        builder.Property(s => s.Greeting).HasMaxLength(WidgetSettingsRules.MaxGreetingLength);
        builder.Property(s => s.Color).HasMaxLength(WidgetSettingsRules.MaxColorLength);
        builder.Property(s => s.Position).HasConversion<string>().HasMaxLength(10);
        builder.Property(s => s.NameField).HasConversion<string>().HasMaxLength(10);
        builder.Property(s => s.EmailField).HasConversion<string>().HasMaxLength(10);
        builder.Property(s => s.DefaultLanguage).HasMaxLength(10);
        builder.Property(s => s.TimeZone).HasMaxLength(100);
        builder.Property(s => s.IdentitySecret).HasMaxLength(128);
        builder.OwnsMany(s => s.BusinessHours, hours =>
        {
            hours.ToJson();
            hours.Property(h => h.Day).HasConversion<string>();
        });
    }
}
