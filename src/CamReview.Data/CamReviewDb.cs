using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Data;

/// <summary>The portal's database. Its schema changes only through the migrations in migrations/CamReview.Migrations,
/// generated with the dotnet-ef tool (see the README there).</summary>
public sealed class CamReviewDb(DbContextOptions<CamReviewDb> options) : DbContext(options)
{
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 2000;
    public const int EmailMaxLength = 256;
    public const int MethodNameMaxLength = 100;
    public const int ErrorMaxLength = 2000;
    public const int JobLogMaxLength = 16_000;
    public const int WorkerNameMaxLength = 100;
    public const int CommandTemplateMaxLength = 2000;
    public const int CommentMaxLength = 2000;

    /// <summary>The longest name a guest may comment under.</summary>
    public const int GuestNameMaxLength = 60;

    /// <summary>Characters of a comment's drawing as stored (50 shapes of short lines, or a few long freehand ones).</summary>
    public const int DrawingMaxLength = 65536;
    public const int StudyTextMaxLength = 4000;
    public const int QuestionMaxLength = 500;
    public const int UserAgentMaxLength = 200;
    public const int PanelParameterMaxLength = 32;
    public const int PanelIdMaxLength = 64;
    public const int ReturnUrlMaxLength = 500;

    public DbSet<Project> Projects => Set<Project>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<TeamInvitation> TeamInvitations => Set<TeamInvitation>();
    public DbSet<Asset> Assets => Set<Asset>();
    public DbSet<Pair> Pairs => Set<Pair>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<RenderWorker> RenderWorkers => Set<RenderWorker>();
    public DbSet<ExternalMethod> ExternalMethods => Set<ExternalMethod>();
    public DbSet<OutputScore> OutputScores => Set<OutputScore>();
    public DbSet<ShareLink> ShareLinks => Set<ShareLink>();
    public DbSet<Comment> Comments => Set<Comment>();
    public DbSet<OutputReview> OutputReviews => Set<OutputReview>();
    public DbSet<Study> Studies => Set<Study>();
    public DbSet<StudyQuestion> StudyQuestions => Set<StudyQuestion>();
    public DbSet<StudyMedia> StudyMedia => Set<StudyMedia>();
    public DbSet<StudyParticipant> StudyParticipants => Set<StudyParticipant>();
    public DbSet<StudyTrial> StudyTrials => Set<StudyTrial>();
    public DbSet<StudyVote> StudyVotes => Set<StudyVote>();
    public DbSet<StudyInvitation> StudyInvitations => Set<StudyInvitation>();
    public DbSet<StudyInclusion> StudyInclusions => Set<StudyInclusion>();

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // SQLite keeps no time zone. Times are UTC everywhere; read back they say so, so that JSON carries the "Z"
        // and a browser does not take them for local times.
        conventions.Properties<DateTime>().HaveConversion<UtcTimes>();
        conventions.Properties<DateTime?>().HaveConversion<UtcTimes>();
    }

    private sealed class UtcTimes() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
        time => time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time,
        time => DateTime.SpecifyKind(time, DateTimeKind.Utc));

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>(e =>
        {
            e.Property(u => u.Email).HasMaxLength(EmailMaxLength);
            e.Property(u => u.DisplayName).HasMaxLength(NameMaxLength);
            e.Property(u => u.SecurityStamp).HasMaxLength(64);
            e.HasIndex(u => u.Email).IsUnique();
        });

        model.Entity<Team>(e =>
        {
            e.Property(t => t.Name).HasMaxLength(NameMaxLength);
            e.HasIndex(t => t.Name).IsUnique();
        });

        model.Entity<TeamMember>(e =>
        {
            e.HasKey(m => new { m.TeamId, m.UserId });
            // Stored by name, so the table reads well and the enum's numbers may change.
            e.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
            e.HasOne(m => m.Team).WithMany(t => t.Members).HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(m => m.User).WithMany(u => u.Memberships).HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(m => m.UserId);
        });

        model.Entity<UserSession>(e =>
        {
            e.Property(s => s.Id).HasMaxLength(32);
            e.Property(s => s.EndReason).HasMaxLength(32);
            e.Property(s => s.UserAgent).HasMaxLength(UserAgentMaxLength);
            e.Property(s => s.ClientAddress).HasMaxLength(64);
            e.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(s => new { s.UserId, s.EndedUtc });
        });

        model.Entity<TeamInvitation>(e =>
        {
            e.Property(i => i.Email).HasMaxLength(EmailMaxLength);
            e.Property(i => i.Role).HasConversion<string>().HasMaxLength(16);
            e.Property(i => i.State).HasConversion<string>().HasMaxLength(16);
            e.HasOne(i => i.Team).WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(i => i.InvitedBy).WithMany().HasForeignKey(i => i.InvitedByUserId).OnDelete(DeleteBehavior.SetNull);
            // At most one pending invitation per team and address: inviting again renews it.
            e.HasIndex(i => new { i.TeamId, i.Email }).IsUnique().HasFilter("\"State\" = 'Pending'");
            e.HasIndex(i => new { i.Email, i.State });
        });

        model.Entity<Project>(e =>
        {
            e.Property(p => p.Name).HasMaxLength(NameMaxLength);
            e.Property(p => p.Description).HasMaxLength(DescriptionMaxLength);
            // A team's projects never disappear with a team by accident: delete them first.
            e.HasOne(p => p.Team).WithMany(t => t.Projects).HasForeignKey(p => p.TeamId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(p => new { p.TeamId, p.Name }).IsUnique();
        });

        model.Entity<Asset>(e =>
        {
            e.Property(a => a.Kind).HasConversion<string>().HasMaxLength(24);
            e.Property(a => a.DisplayName).HasMaxLength(NameMaxLength);
            e.Property(a => a.Sha256).HasMaxLength(64);
            e.Property(a => a.MediaType).HasMaxLength(64);
            e.Property(a => a.MethodName).HasMaxLength(MethodNameMaxLength);
            e.Property(a => a.PlaybackError).HasMaxLength(ErrorMaxLength);
            e.HasOne(a => a.Project).WithMany(p => p.Assets).HasForeignKey(a => a.ProjectId).OnDelete(DeleteBehavior.Cascade);
            // Deletes of pairs and outputs are done (and confirmed) by the application, never by a cascade.
            e.HasOne(a => a.Pair).WithMany(p => p.Outputs).HasForeignKey(a => a.PairId).OnDelete(DeleteBehavior.NoAction);
            e.HasOne(a => a.CreatedBy).WithMany().HasForeignKey(a => a.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
            // One asset per content and kind in a project: the same upload twice is answered "already uploaded".
            e.HasIndex(a => new { a.ProjectId, a.Kind, a.Sha256 }).IsUnique();
            // Whether any asset (in any project) still uses a stored file.
            e.HasIndex(a => a.Sha256);
        });

        model.Entity<Pair>(e =>
        {
            e.Property(p => p.Name).HasMaxLength(NameMaxLength);
            e.HasOne(p => p.Project).WithMany(p => p.Pairs).HasForeignKey(p => p.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(p => p.ReferenceAsset).WithMany().HasForeignKey(p => p.ReferenceAssetId).OnDelete(DeleteBehavior.NoAction);
            e.HasOne(p => p.TargetAsset).WithMany().HasForeignKey(p => p.TargetAssetId).OnDelete(DeleteBehavior.NoAction);
            e.HasOne(p => p.DepthAsset).WithMany().HasForeignKey(p => p.DepthAssetId).OnDelete(DeleteBehavior.NoAction);
            e.HasOne(p => p.CreatedBy).WithMany().HasForeignKey(p => p.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(p => new { p.ProjectId, p.Name }).IsUnique();
        });

        model.Entity<RenderWorker>(e =>
        {
            e.Property(w => w.Name).HasMaxLength(WorkerNameMaxLength);
            e.Property(w => w.Kinds).HasMaxLength(CommandTemplateMaxLength);
            e.Property(w => w.TokenHash).HasMaxLength(64);
            e.HasIndex(w => w.TokenHash).IsUnique();
            e.HasOne(w => w.Team).WithMany().HasForeignKey(w => w.TeamId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(w => w.CreatedBy).WithMany().HasForeignKey(w => w.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
        });

        model.Entity<ExternalMethod>(e =>
        {
            e.Property(m => m.Name).HasMaxLength(MethodNameMaxLength);
            e.Property(m => m.CommandTemplate).HasMaxLength(CommandTemplateMaxLength);
            e.Property(m => m.Description).HasMaxLength(ErrorMaxLength);
            e.HasIndex(m => m.Name).IsUnique();
        });

        model.Entity<Job>(e =>
        {
            e.Property(j => j.Kind).HasConversion<string>().HasMaxLength(24);
            e.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
            e.Property(j => j.MethodName).HasMaxLength(MethodNameMaxLength);
            e.Property(j => j.LeaseOwner).HasMaxLength(128);
            e.Property(j => j.ProgressStage).HasMaxLength(32);
            e.Property(j => j.Error).HasMaxLength(ErrorMaxLength);
            e.Property(j => j.Device).HasMaxLength(128);
            e.Property(j => j.Method).HasMaxLength(MethodNameMaxLength);
            e.Property(j => j.Log).HasMaxLength(JobLogMaxLength);
            e.HasOne(j => j.Project).WithMany().HasForeignKey(j => j.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(j => j.Pair).WithMany().HasForeignKey(j => j.PairId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(j => j.Asset).WithMany().HasForeignKey(j => j.AssetId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne(j => j.CreatedBy).WithMany().HasForeignKey(j => j.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
            // What a worker looks for: the oldest queued (or abandoned running) job.
            e.HasIndex(j => new { j.State, j.Id });
            e.HasIndex(j => new { j.ProjectId, j.Id });
        });

        model.Entity<OutputScore>(e =>
        {
            e.HasKey(s => s.AssetId);
            e.Property(s => s.CameraScoreReason).HasMaxLength(ErrorMaxLength);
            e.Property(s => s.Device).HasMaxLength(128);
            e.HasOne(s => s.Asset).WithOne().HasForeignKey<OutputScore>(s => s.AssetId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<ShareLink>(e =>
        {
            e.Property(l => l.Label).HasMaxLength(NameMaxLength);
            e.Property(l => l.TokenHash).HasMaxLength(64);
            e.HasOne(l => l.Pair).WithMany().HasForeignKey(l => l.PairId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(l => l.CreatedBy).WithMany().HasForeignKey(l => l.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(l => l.TokenHash).IsUnique();
        });

        model.Entity<Comment>(e =>
        {
            e.Property(c => c.Body).HasMaxLength(CommentMaxLength);
            e.Property(c => c.DrawingJson).HasMaxLength(DrawingMaxLength);
            e.Property(c => c.GuestName).HasMaxLength(GuestNameMaxLength);
            e.HasOne(c => c.ShareLink).WithMany().HasForeignKey(c => c.ShareLinkId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne(c => c.Pair).WithMany().HasForeignKey(c => c.PairId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(c => c.Asset).WithMany().HasForeignKey(c => c.AssetId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(c => c.Author).WithMany().HasForeignKey(c => c.AuthorUserId).OnDelete(DeleteBehavior.SetNull);
            // Deleting a thread's first comment deletes its replies.
            e.HasOne(c => c.Parent).WithMany().HasForeignKey(c => c.ParentCommentId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(c => c.ResolvedBy).WithMany().HasForeignKey(c => c.ResolvedByUserId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(c => new { c.PairId, c.TimeSeconds });
        });

        model.Entity<OutputReview>(e =>
        {
            e.HasKey(r => r.AssetId);
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            e.HasOne(r => r.Asset).WithOne().HasForeignKey<OutputReview>(r => r.AssetId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(r => r.Reviewer).WithMany().HasForeignKey(r => r.ReviewerUserId).OnDelete(DeleteBehavior.SetNull);
        });

        ConfigureStudies(model);
    }

    private static void ConfigureStudies(ModelBuilder model)
    {
        model.Entity<Study>(e =>
        {
            e.Property(s => s.Name).HasMaxLength(NameMaxLength);
            e.Property(s => s.Token).HasMaxLength(32);
            e.Property(s => s.Design).HasConversion<string>().HasMaxLength(16);
            e.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
            e.Property(s => s.Instructions).HasMaxLength(StudyTextMaxLength);
            e.Property(s => s.ConsentText).HasMaxLength(StudyTextMaxLength);
            e.Property(s => s.MediaProfile).HasMaxLength(ErrorMaxLength);
            e.Property(s => s.MediaSecret).HasMaxLength(64);
            e.Property(s => s.Admission).HasConversion<string>().HasMaxLength(16).HasDefaultValue(StudyAdmission.Link);
            e.Property(s => s.PanelIdParameter).HasMaxLength(PanelParameterMaxLength);
            e.Property(s => s.ReturnUrlTemplate).HasMaxLength(ReturnUrlMaxLength);
            e.HasOne(s => s.Project).WithMany().HasForeignKey(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(s => s.CreatedBy).WithMany().HasForeignKey(s => s.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(s => s.Token).IsUnique();
            e.HasIndex(s => new { s.ProjectId, s.Name }).IsUnique();
        });

        model.Entity<StudyQuestion>(e =>
        {
            e.Property(q => q.Key).HasMaxLength(32);
            e.Property(q => q.Text).HasMaxLength(QuestionMaxLength);
            e.HasOne(q => q.Study).WithMany(s => s.Questions).HasForeignKey(q => q.StudyId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(q => new { q.StudyId, q.Key }).IsUnique();
        });

        model.Entity<StudyMedia>(e =>
        {
            e.Property(m => m.Key).HasMaxLength(32);
            e.Property(m => m.MethodName).HasMaxLength(MethodNameMaxLength);
            e.HasOne(m => m.Study).WithMany(s => s.Media).HasForeignKey(m => m.StudyId).OnDelete(DeleteBehavior.Cascade);
            // Deleting an output or a pair keeps the study's results (the method name is kept here).
            e.HasOne(m => m.Pair).WithMany().HasForeignKey(m => m.PairId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne(m => m.Asset).WithMany().HasForeignKey(m => m.AssetId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(m => m.Key).IsUnique();
        });

        model.Entity<StudyParticipant>(e =>
        {
            e.Property(p => p.PublicId).HasMaxLength(16);
            e.Property(p => p.KeyHash).HasMaxLength(64);
            e.Property(p => p.CompletionCode).HasMaxLength(16);
            e.Property(p => p.PanelId).HasMaxLength(PanelIdMaxLength);
            e.Property(p => p.AddressHash).HasMaxLength(64);
            // One participant per panel id: the same person joining again resumes.
            e.HasIndex(p => new { p.StudyId, p.PanelId }).IsUnique().HasFilter("\"PanelId\" IS NOT NULL");
            e.HasOne(p => p.Study).WithMany(s => s.Participants).HasForeignKey(p => p.StudyId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(p => p.KeyHash).IsUnique();
            e.HasIndex(p => new { p.StudyId, p.Ordinal }).IsUnique();
            e.HasIndex(p => new { p.StudyId, p.PublicId }).IsUnique();
        });

        model.Entity<StudyTrial>(e =>
        {
            e.Property(t => t.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(t => t.CandidateMediaIds).HasMaxLength(200);
            e.HasOne(t => t.Participant).WithMany(p => p.Trials).HasForeignKey(t => t.ParticipantId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(t => t.ReferenceMedia).WithMany().HasForeignKey(t => t.ReferenceMediaId).OnDelete(DeleteBehavior.NoAction);
            e.HasIndex(t => new { t.ParticipantId, t.Position }).IsUnique();
        });

        model.Entity<StudyVote>(e =>
        {
            e.Property(v => v.Answer).HasConversion<string>().HasMaxLength(16);
            e.HasOne(v => v.Participant).WithMany().HasForeignKey(v => v.ParticipantId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(v => v.Trial).WithMany().HasForeignKey(v => v.TrialId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(v => v.Question).WithMany().HasForeignKey(v => v.QuestionId).OnDelete(DeleteBehavior.Cascade);
            // One vote per participant, trial and question: a second submission can never be stored.
            e.HasIndex(v => new { v.ParticipantId, v.TrialId, v.QuestionId }).IsUnique();
        });

        model.Entity<StudyInvitation>(e =>
        {
            e.Property(i => i.Code).HasMaxLength(16);
            e.HasOne(i => i.Study).WithMany(s => s.Invitations).HasForeignKey(i => i.StudyId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(i => i.CreatedBy).WithMany().HasForeignKey(i => i.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne(i => i.Participant).WithMany().HasForeignKey(i => i.ParticipantId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(i => new { i.StudyId, i.Code }).IsUnique();
            // A code admits one participant.
            e.HasIndex(i => i.ParticipantId).IsUnique().HasFilter("\"ParticipantId\" IS NOT NULL");
        });

        model.Entity<StudyInclusion>(e =>
        {
            e.Property(i => i.Flag).HasMaxLength(32);
            e.HasOne(i => i.Study).WithMany().HasForeignKey(i => i.StudyId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(i => i.Participant).WithMany().HasForeignKey(i => i.ParticipantId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(i => i.IncludedBy).WithMany().HasForeignKey(i => i.IncludedByUserId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(i => new { i.StudyId, i.ParticipantId, i.Flag }).IsUnique();
        });
    }
}
