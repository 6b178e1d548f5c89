using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace CamReview.Data;

/// <summary>A copy cannot be made (the source is missing or at another schema, the target is unreachable or holds
/// data, ...). Thrown before anything is written to the target, or after the copy's transaction was rolled back.</summary>
public sealed class DatabaseCopyException(string message) : Exception(message);

/// <summary>The rows of one table, copied.</summary>
public sealed record CopiedTable(string Table, long Rows);

/// <summary>The order a copy inserts in: every table after the tables it refers to, except through
/// <see cref="Deferred"/>, the nullable foreign keys that close a cycle (an asset's pair, whose reference and target
/// are assets) or refer to their own table (a reply's thread). Those are inserted as NULL and set once every row is in.</summary>
public sealed record CopyOrder(IReadOnlyList<IEntityType> Tables, IReadOnlyList<IForeignKey> Deferred);

/// <summary><c>camreview db copy</c>: every row of a portal's database into another database (e.g. SQLite to
/// PostgreSQL), in one transaction on the target. The source must be at this release's schema; the target must hold
/// no row (an empty one at an older schema is migrated) and is migrated first. Ids are kept, and PostgreSQL's identity
/// sequences are moved past the copied ids. Media files are not in the database: they stay in the data folder.</summary>
public static class DatabaseCopy
{
    private const string HistoryTable = "__EFMigrationsHistory";

    /// <summary>EF's own tables: the applied migrations and (SQLite) the migration lock.</summary>
    private static bool IsMigrationsTable(string table) => table.StartsWith("__EFMigrations", StringComparison.Ordinal);

    public static async Task<IReadOnlyList<CopiedTable>> CopyAsync(DatabaseTarget from, DatabaseTarget to, CancellationToken ct = default)
    {
        if (SameDatabase(from, to)) throw new DatabaseCopyException($"the source and the target are the same database ({from.Describe()}): copy into a new database");
        if (from.Provider == DatabaseProvider.Sqlite && !File.Exists(from.Describe()))
            throw new DatabaseCopyException(Directory.Exists(Path.GetDirectoryName(from.Describe()))
                ? $"there is no portal database in {Path.GetDirectoryName(from.Describe())} ({Database.FileName} not found): name the portal's data folder"
                : $"there is no data folder {Path.GetDirectoryName(from.Describe())}");

        await using var source = new CamReviewDb(Database.Options(from));
        var sourceConnection = await ConnectAsync(source, from, "source", ct)
                               ?? throw new DatabaseCopyException($"the source database {from.Describe()} does not exist");
        await CheckSourceSchemaAsync(source, from, ct);

        await using var target = new CamReviewDb(Database.Options(to));
        // Read before anything is written: a target that does not exist yet is created by the migration.
        if (await ConnectAsync(target, to, "target", ct) is { } existing) await CheckTargetAsync(target, existing, to, ct);
        await Database.MigrateAsync(target, ct);

        var order = Order(target.Model);
        var targetConnection = await OpenAsync(target, ct);
        var copied = new List<CopiedTable>();
        var table = "";
        // Every table read in one snapshot of the source, so that a portal still writing cannot tear the copy (SQLite:
        // a deferred transaction that only reads, taking no write lock).
        await using var snapshot = sourceConnection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: true)
            : await sourceConnection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using var tx = await targetConnection.BeginTransactionAsync(ct);
        try
        {
            foreach (var entity in order.Tables)
            {
                table = entity.GetTableName()!;
                copied.Add(new CopiedTable(table, await CopyTableAsync(entity, order.Deferred, snapshot, tx, to, ct)));
            }
            foreach (var group in order.Deferred.GroupBy(fk => fk.DeclaringEntityType))
            {
                table = group.Key.GetTableName()!;
                await FillDeferredAsync(group.Key, [.. group], snapshot, tx, ct);
            }
            await tx.CommitAsync(ct);
        }
        catch (DbException e)
        {
            await tx.RollbackAsync(CancellationToken.None);
            throw new DatabaseCopyException($"the copy failed at table {table} and was rolled back, the target holds no copied row: {e.Message}");
        }
        return copied;
    }

    /// <summary>The model's tables, each after every table it refers to through a foreign key that is not deferred;
    /// the deferred keys are the nullable ones to the table itself and, where tables refer to each other, as few
    /// nullable ones as break every cycle. A cycle of required keys cannot be copied.</summary>
    public static CopyOrder Order(IModel model)
    {
        var remaining = model.GetEntityTypes().Where(e => e.GetTableName() is not null).OrderBy(e => e.GetTableName(), StringComparer.Ordinal).ToList();
        // A required key to its own table holds when rows are inserted by key (a parent is older than its children).
        var deferred = remaining.SelectMany(e => e.GetForeignKeys()).Where(fk => fk.PrincipalEntityType == fk.DeclaringEntityType && !fk.IsRequired).ToList();
        var ordered = new List<IEntityType>();
        bool Waits(IForeignKey fk) => fk.PrincipalEntityType != fk.DeclaringEntityType && !deferred.Contains(fk) && remaining.Contains(fk.PrincipalEntityType);
        while (remaining.Count > 0)
        {
            if (remaining.FirstOrDefault(e => !e.GetForeignKeys().Any(Waits)) is { } next)
            {
                ordered.Add(next);
                remaining.Remove(next);
                continue;
            }
            // Every remaining table waits: defer a nullable key whose table is (through others) referred to by its principal.
            var closing = remaining.SelectMany(e => e.GetForeignKeys()).Where(Waits)
                              .FirstOrDefault(fk => !fk.IsRequired && Reaches(fk.PrincipalEntityType, fk.DeclaringEntityType, Waits))
                          ?? throw new InvalidOperationException(
                              $"The model's required foreign keys form a cycle among {string.Join(", ", remaining.Select(e => e.GetTableName()))}: no table can be copied first.");
            deferred.Add(closing);
        }
        return new CopyOrder(ordered, deferred);
    }

    /// <summary>Whether <paramref name="to"/> can be reached from <paramref name="from"/> through the keys that <paramref name="follows"/>.</summary>
    private static bool Reaches(IEntityType from, IEntityType to, Func<IForeignKey, bool> follows)
    {
        var seen = new HashSet<IEntityType>();
        var stack = new Stack<IEntityType>([from]);
        while (stack.TryPop(out var entity))
        {
            if (entity == to) return true;
            if (!seen.Add(entity)) continue;
            foreach (var fk in entity.GetForeignKeys().Where(follows)) stack.Push(fk.PrincipalEntityType);
        }
        return false;
    }

    private static async Task<long> CopyTableAsync(IEntityType entity, IReadOnlyList<IForeignKey> deferred, DbTransaction snapshot, DbTransaction tx,
        DatabaseTarget to, CancellationToken ct)
    {
        var name = entity.GetTableName()!;
        var columns = Columns(entity, entity.GetProperties());
        var later = deferred.Where(fk => fk.DeclaringEntityType == entity).SelectMany(fk => fk.Properties).Select(p => Column(entity, p).Name).ToHashSet();
        var list = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));

        await using var insert = Command(tx,
            $"INSERT INTO \"{name}\" ({list}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})", columns.Count);
        // By key: rows that refer to earlier rows of their own table come after them.
        await using var select = Command(snapshot, $"SELECT {list} FROM \"{name}\" ORDER BY {KeyList(entity)}", 0);
        long rows = 0;
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                for (var i = 0; i < columns.Count; i++)
                    insert.Parameters[i].Value = later.Contains(columns[i].Name) ? DBNull.Value : Read(reader, i, columns[i].Type);
                await insert.ExecuteNonQueryAsync(ct);
                rows++;
            }
        }
        if (to.Provider == DatabaseProvider.Postgres && entity.FindPrimaryKey()!.Properties is [{ ValueGenerated: ValueGenerated.OnAdd } id] && rows > 0)
        {
            // Identity columns given explicit ids do not move their sequence: the next new row continues after the copied ones.
            var column = Column(entity, id).Name;
            await using var move = Command(tx,
                $"SELECT setval(pg_get_serial_sequence('\"{name}\"', '{column}'), (SELECT MAX(\"{column}\") FROM \"{name}\"))", 0);
            await move.ExecuteScalarAsync(ct);
        }
        return rows;
    }

    /// <summary>The deferred keys' values, set on the rows copied without them.</summary>
    private static async Task FillDeferredAsync(IEntityType entity, IReadOnlyList<IForeignKey> keys, DbTransaction snapshot, DbTransaction tx, CancellationToken ct)
    {
        var values = Columns(entity, keys.SelectMany(fk => fk.Properties).Distinct());
        var key = Columns(entity, entity.FindPrimaryKey()!.Properties);
        var name = entity.GetTableName()!;
        await using var update = Command(tx,
            $"UPDATE \"{name}\" SET {string.Join(", ", values.Select((c, i) => $"\"{c.Name}\" = @p{i}"))} " +
            $"WHERE {string.Join(" AND ", key.Select((c, i) => $"\"{c.Name}\" = @p{values.Count + i}"))}", values.Count + key.Count);
        await using var select = Command(snapshot, $"SELECT {string.Join(", ", values.Concat(key).Select(c => $"\"{c.Name}\""))} FROM \"{name}\" " +
                                                   $"WHERE {string.Join(" OR ", values.Select(c => $"\"{c.Name}\" IS NOT NULL"))}", 0);
        var all = values.Concat(key).ToList();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            for (var i = 0; i < all.Count; i++) update.Parameters[i].Value = Read(reader, i, all[i].Type);
            await update.ExecuteNonQueryAsync(ct);
        }
    }

    private static bool SameDatabase(DatabaseTarget a, DatabaseTarget b)
    {
        if (a.Provider != b.Provider) return false;
        if (a.Provider == DatabaseProvider.Sqlite) return string.Equals(Path.GetFullPath(a.Describe()), Path.GetFullPath(b.Describe()), StringComparison.Ordinal);
        var (x, y) = (new NpgsqlConnectionStringBuilder(a.ConnectionString), new NpgsqlConnectionStringBuilder(b.ConnectionString));
        return string.Equals(x.Host, y.Host, StringComparison.OrdinalIgnoreCase) && x.Port == y.Port
               && string.Equals(x.Database ?? x.Username, y.Database ?? y.Username, StringComparison.Ordinal);
    }

    /// <summary>The database's connection, open; null when a PostgreSQL server has no database of that name. A server
    /// that cannot be reached or refuses the sign-in is refused in words.</summary>
    private static async Task<DbConnection?> ConnectAsync(CamReviewDb db, DatabaseTarget target, string role, CancellationToken ct)
    {
        if (target.Provider == DatabaseProvider.Sqlite && !File.Exists(target.Describe())) return null;
        try
        {
            return await OpenAsync(db, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            return null;
        }
        catch (PostgresException e)
        {
            throw new DatabaseCopyException($"the PostgreSQL server of the {role} ({target.Describe()}) refused the connection: {e.MessageText}");
        }
        catch (NpgsqlException e)
        {
            var reason = e.InnerException is SocketException socket ? socket.Message : e.Message;
            throw new DatabaseCopyException($"cannot reach the PostgreSQL server of the {role} ({target.Describe()}): {reason}");
        }
        catch (SqliteException e)
        {
            throw new DatabaseCopyException($"the {role} database {target.Describe()} cannot be opened: {e.Message}");
        }
    }

    private static async Task CheckSourceSchemaAsync(CamReviewDb source, DatabaseTarget from, CancellationToken ct)
    {
        var applied = (await source.Database.GetAppliedMigrationsAsync(ct)).ToList();
        var known = source.Database.GetMigrations().ToList();
        if (applied.Except(known).ToList() is { Count: > 0 } newer)
            throw new DatabaseCopyException($"the source database {from.Describe()} has migration(s) this release does not know ({newer[^1]}): copy with the release that made them");
        if (known.Except(applied).ToList() is { Count: > 0 } pending)
            throw new DatabaseCopyException($"the source database {from.Describe()} lacks {pending.Count} migration(s) of this release ({pending[^1]}): start the portal on it once (it migrates on start), then copy");
    }

    /// <summary>Refuses a target that holds any row, in any table, or that another release or application made.
    /// An empty one at an older schema of this portal is fine: the copy migrates it.</summary>
    private static async Task CheckTargetAsync(CamReviewDb target, DbConnection connection, DatabaseTarget to, CancellationToken ct)
    {
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = to.Provider == DatabaseProvider.Sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name";
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) tables.Add(reader.GetString(0));
        }
        foreach (var table in tables.Where(t => !IsMigrationsTable(t)))
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            if (Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) is var rows and > 0)
                throw new DatabaseCopyException($"the target database {to.Describe()} is not empty (table {table} has {rows} row(s)): copy only into a new database; it was not changed");
        }
        var applied = tables.Contains(HistoryTable) ? (await target.Database.GetAppliedMigrationsAsync(ct)).ToList() : [];
        if (applied.Except(target.Database.GetMigrations()).ToList() is { Count: > 0 } other)
            throw new DatabaseCopyException($"the target database {to.Describe()} has migration(s) this release does not know ({other[^1]}): copy with the release that made them, or into a new database; it was not changed");
        if (applied.Count == 0 && tables.FirstOrDefault(t => !IsMigrationsTable(t)) is { } foreign)
            throw new DatabaseCopyException($"the target database {to.Describe()} holds tables that are not a CamReview portal's ({foreign}, ...): copy only into a new database; it was not changed");
    }

    private static (string Name, Type Type) Column(IEntityType entity, IProperty property) =>
        (property.GetColumnName(StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema()))!, ProviderType(property));

    private static List<(string Name, Type Type)> Columns(IEntityType entity, IEnumerable<IProperty> properties) => properties.Select(p => Column(entity, p)).ToList();

    private static string KeyList(IEntityType entity) => string.Join(", ", Columns(entity, entity.FindPrimaryKey()!.Properties).Select(c => $"\"{c.Name}\""));

    private static DbCommand Command(DbTransaction tx, string sql, int parameters)
    {
        var command = tx.Connection!.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            command.Parameters.Add(parameter);
        }
        return command;
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
}
