using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CamReview.Data;

/// <summary>A copy cannot be made (the source is missing or at another schema, the target holds data).</summary>
public sealed class DatabaseCopyException(string message) : Exception(message);

/// <summary>The rows of one table, copied.</summary>
public sealed record CopiedTable(string Table, long Rows);

/// <summary><c>camreview db copy</c>: every row of a portal's database into another database (e.g. SQLite to
/// PostgreSQL), in one transaction on the target. The target is migrated first and must then be empty; tables are
/// copied parents before children (the foreign keys hold at every insert), ids are kept, and PostgreSQL's identity
/// sequences are moved past the copied ids. Media files are not in the database: they stay in the data folder.</summary>
public static class DatabaseCopy
{
    public static async Task<IReadOnlyList<CopiedTable>> CopyAsync(DatabaseTarget from, DatabaseTarget to, CancellationToken ct = default)
    {
        if (from.Provider == DatabaseProvider.Sqlite && !File.Exists(from.Describe()))
            throw new DatabaseCopyException($"there is no database at {from.Describe()}");
        await using var source = new CamReviewDb(Database.Options(from));
        if ((await source.Database.GetPendingMigrationsAsync(ct)).ToList() is { Count: > 0 } pending)
            throw new DatabaseCopyException($"the source database lacks {pending.Count} migration(s) of this release ({pending[^1]}): start the portal on it once (it migrates on start), then copy");
        await using var target = new CamReviewDb(Database.Options(to));
        await Database.MigrateAsync(target, ct);

        var tables = ParentsFirst(target.Model);
        var sourceConnection = await OpenAsync(source, ct);
        var targetConnection = await OpenAsync(target, ct);
        foreach (var table in tables)
            if (await ScalarAsync(targetConnection, null, $"SELECT COUNT(*) FROM \"{table.GetTableName()}\"", ct) > 0)
                throw new DatabaseCopyException($"the target database is not empty (table {table.GetTableName()} has rows): copy only into a new database");

        var copied = new List<CopiedTable>();
        await using var tx = await targetConnection.BeginTransactionAsync(ct);
        foreach (var table in tables)
        {
            var name = table.GetTableName()!;
            var store = StoreObjectIdentifier.Table(name, table.GetSchema());
            var columns = table.GetProperties().Select(p => (Name: p.GetColumnName(store)!, Type: ProviderType(p))).ToList();
            var list = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
            var key = string.Join(", ", table.FindPrimaryKey()!.Properties.Select(p => $"\"{p.GetColumnName(store)}\""));

            await using var insert = targetConnection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = $"INSERT INTO \"{name}\" ({list}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
            for (var i = 0; i < columns.Count; i++)
            {
                var parameter = insert.CreateParameter();
                parameter.ParameterName = $"@p{i}";
                insert.Parameters.Add(parameter);
            }

            await using var select = sourceConnection.CreateCommand();
            // By key: rows that refer to earlier rows of their own table come after them.
            select.CommandText = $"SELECT {list} FROM \"{name}\" ORDER BY {key}";
            long rows = 0;
            await using (var reader = await select.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    for (var i = 0; i < columns.Count; i++) insert.Parameters[i].Value = Read(reader, i, columns[i].Type);
                    await insert.ExecuteNonQueryAsync(ct);
                    rows++;
                }
            }
            if (to.Provider == DatabaseProvider.Postgres && table.FindPrimaryKey()!.Properties is [{ ValueGenerated: ValueGenerated.OnAdd } id] && rows > 0)
            {
                // Identity columns given explicit ids do not move their sequence: the next new row continues after the copied ones.
                var column = id.GetColumnName(store);
                await ScalarAsync(targetConnection, tx,
                    $"SELECT setval(pg_get_serial_sequence('\"{name}\"', '{column}'), (SELECT MAX(\"{column}\") FROM \"{name}\"))", ct);
            }
            copied.Add(new CopiedTable(name, rows));
        }
        await tx.CommitAsync(ct);
        return copied;
    }

    /// <summary>The model's tables, each after every table it refers to.</summary>
    public static IReadOnlyList<IEntityType> ParentsFirst(IModel model)
    {
        var ordered = new List<IEntityType>();
        var placed = new HashSet<IEntityType>();
        var remaining = model.GetEntityTypes().Where(e => e.GetTableName() is not null).OrderBy(e => e.GetTableName(), StringComparer.Ordinal).ToList();
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(e => e.GetForeignKeys().All(fk => fk.PrincipalEntityType == e || placed.Contains(fk.PrincipalEntityType)))
                       ?? throw new InvalidOperationException("The model's foreign keys form a cycle: no table can be copied first.");
            ordered.Add(next);
            placed.Add(next);
            remaining.Remove(next);
        }
        return ordered;
    }

    /// <summary>The type the column holds, as both providers store it (enums by name, times as UTC).</summary>
    private static Type ProviderType(IProperty property)
    {
        var mapping = property.GetRelationalTypeMapping();
        var type = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        return Nullable.GetUnderlyingType(type) ?? type;
    }

    private static object Read(DbDataReader reader, int i, Type type)
    {
        if (reader.IsDBNull(i)) return DBNull.Value;
        if (type == typeof(DateTime)) return DateTime.SpecifyKind(reader.GetDateTime(i), DateTimeKind.Utc);
        if (type == typeof(int)) return reader.GetInt32(i);
        if (type == typeof(long)) return reader.GetInt64(i);
        if (type == typeof(double)) return reader.GetDouble(i);
        if (type == typeof(bool)) return reader.GetBoolean(i);
        if (type == typeof(string)) return reader.GetString(i);
        throw new NotSupportedException($"The copy has no reading for columns of type {type.Name}: add one here.");
    }

    private static async Task<DbConnection> OpenAsync(CamReviewDb db, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(ct);
        return connection;
    }

    private static async Task<long> ScalarAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
