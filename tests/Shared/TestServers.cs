using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CamReview.Tests;

/// <summary>The PostgreSQL and Redis servers the scale-out tests run against. <c>scripts/test.sh</c> starts one of
/// each on free loopback ports and gives their addresses in <see cref="PostgresVariable"/> and
/// <see cref="RedisVariable"/>; a test run without them (<c>dotnet test</c> alone) starts private ones here, once per
/// test process, and stops them when it exits. A server that cannot be started fails the test: nothing is skipped.</summary>
public static class TestServers
{
    /// <summary>A connection string to a PostgreSQL server whose user may create databases, e.g.
    /// <c>Host=127.0.0.1;Port=54321;Username=postgres</c>.</summary>
    public const string PostgresVariable = "CAMREVIEW_TEST_POSTGRES";

    /// <summary>A Redis address, e.g. <c>127.0.0.1:63790</c>.</summary>
    public const string RedisVariable = "CAMREVIEW_TEST_REDIS";

    private static readonly Lazy<Task<string>> Postgres = new(() => Task.Run(StartPostgres));
    private static readonly Lazy<Task<string>> Redis = new(() => Task.Run(StartRedis));

    /// <summary>A new, empty database of its own on the test PostgreSQL server: its connection string.</summary>
    public static async Task<string> NewPostgresDatabaseAsync()
    {
        var server = await Postgres.Value;
        var name = $"camreview_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
    }

    /// <summary>The test Redis server's address.</summary>
    public static Task<string> RedisAsync() => Redis.Value;

    private static string StartPostgres()
    {
        if (Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } given) return given;
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderDescending().FirstOrDefault() ?? throw new InvalidOperationException("PostgreSQL is not installed (Debian's postgresql: scripts/setup.sh installs it).");
        var dir = Directory.CreateTempSubdirectory("camreview-pg-").FullName;
        var asRoot = Environment.UserName == "root";
        // PostgreSQL refuses to run as root: as root, its files belong to, and it runs as, the postgres user.
        if (asRoot) Run("chown", "postgres:postgres", dir);
        var port = FreePort();
        RunServerTool(asRoot, Path.Combine(bin, "initdb"), "-D", dir, "--auth=trust", "-U", "postgres", "--no-sync");
        RunServerTool(asRoot, Path.Combine(bin, "pg_ctl"), "-D", dir, "-l", Path.Combine(dir, "server.log"), "-w",
            // -F: no fsync; a test server lives as long as its test run.
            "-o", $"-k /tmp -h 127.0.0.1 -p {port} -F", "start");
        // Stopped and removed by a shell of its own: the test host may end before a stop it waits for has finished.
        var stop = $"{Path.Combine(bin, "pg_ctl")} -D {dir} -m immediate stop >/dev/null; rm -rf {dir}";
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            Process.Start(asRoot ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", "sh", "-c", stop]) : new ProcessStartInfo("sh", ["-c", stop]));
        return $"Host=127.0.0.1;Port={port};Username=postgres";
    }

    private static string StartRedis()
    {
        if (Environment.GetEnvironmentVariable(RedisVariable) is { Length: > 0 } given) return given;
        var port = FreePort();
        var redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start (Debian's redis-server: scripts/setup.sh installs it).");
        redis.OutputDataReceived += (_, _) => { };
        redis.BeginOutputReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => redis.Kill();
        var started = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return $"127.0.0.1:{port}";
            }
            catch (SocketException) when (started.Elapsed < TimeSpan.FromSeconds(10) && !redis.HasExited)
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>A loopback port nothing listens on (now).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void RunServerTool(bool asRoot, string tool, params string[] args)
    {
        if (asRoot) Run("runuser", ["-u", "postgres", "--", tool, .. args]);
        else Run(tool, args);
    }

    private static void Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {error}{output.Result}");
    }
}
