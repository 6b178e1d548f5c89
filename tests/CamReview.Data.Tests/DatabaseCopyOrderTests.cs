using Microsoft.EntityFrameworkCore;

namespace CamReview.Data.Tests;

/// <summary>The order <c>db copy</c> inserts the portal's tables in (<see cref="DatabaseCopy.Order"/>).</summary>
public sealed class DatabaseCopyOrderTests
{
    [Fact]
    public void EveryTableComesAfterWhatItRefersToExceptThroughTheDeferredKeys()
    {
        // The model only: no database is opened.
        using var db = new CamReviewDb(Database.Options(Path.Combine(Path.GetTempPath(), "camreview-copy-order")));
        var order = DatabaseCopy.Order(db.Model);

        Assert.Equal(db.Model.GetEntityTypes().Select(e => e.GetTableName()).Order(), order.Tables.Select(e => e.GetTableName()).Order());
        // Exactly the keys that must wait: an asset's pair (a pair's reference and target are assets) and a reply's thread.
        Assert.Equal(["Assets.PairId", "Comments.ParentCommentId"],
            order.Deferred.Select(fk => $"{fk.DeclaringEntityType.GetTableName()}.{fk.Properties.Single().Name}").Order());
        Assert.All(order.Deferred, fk => Assert.False(fk.IsRequired));
        var position = order.Tables.Select((e, i) => (e, i)).ToDictionary(p => p.e, p => p.i);
        foreach (var table in order.Tables)
            foreach (var fk in table.GetForeignKeys().Where(fk => !order.Deferred.Contains(fk)))
                Assert.True(position[fk.PrincipalEntityType] < position[table], $"{table.GetTableName()} is copied before {fk.PrincipalEntityType.GetTableName()}, which it refers to");
    }
}
