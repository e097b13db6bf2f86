using ChatApp.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChatApp.Api.Data.Configurations;

public class AssignmentSettingsConfiguration : IEntityTypeConfiguration<AssignmentSettings>
{
    public void Configure(EntityTypeBuilder<AssignmentSettings> builder)
    {
        builder.ToTable("assignment_settings", t => t.HasCheckConstraint("ck_assignment_settings_singleton", "id = 1"));
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.HasOne<User>().WithMany().HasForeignKey(s => s.UpdatedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}
