"""Drives bench/worker-benchmark.sh: for 1, 2 and 4 `camreview worker` processes, queues the same N renders, starts the
workers, and times until all N succeeded (renders per hour); for every render, the time from the worker's lease (its
own log line) to the first progress past 0 % that a viewer polling GET /api/jobs/{id} every 20 ms sees."""
import json, os, signal, subprocess, sys, time, urllib.request
from datetime import datetime, timezone

url, cookie, token_af, pair, worker_token, cli, n, params, work = sys.argv[1:10]
n = int(n)

def api(method, path, body=None):
    req = urllib.request.Request(f"{url}/api/{path}", method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Cookie": cookie, "RequestVerificationToken": token_af, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")

def run(workers):
    jobs = [api("POST", f"pairs/{pair}/renders", {"method": "homography", "parameters": json.loads(params)})["id"] for _ in range(n)]
    logs = [open(os.path.join(work, f"worker-{workers}-{i}.log"), "w") for i in range(workers)]
    start = time.monotonic()
    procs = [subprocess.Popen([cli, "worker", "--portal", url, "--name", f"bench-{workers}-{i}", "--poll", "0.2"], stdout=logs[i], stderr=subprocess.STDOUT,
                              env={**os.environ, "CAMREVIEW_WORKER_TOKEN": worker_token}) for i in range(workers)]
    first_progress = {}
    pending = set(jobs)
    while pending:
        for j in list(pending):
            v = api("GET", f"jobs/{j}")
            if j not in first_progress and v.get("percent", 0) > 0 and v["state"] == "running":
                first_progress[j] = datetime.now(timezone.utc)
            if v["state"] in ("succeeded", "failed", "canceled"):
                if v["state"] != "succeeded":
                    sys.exit(f"job {j} {v['state']}: {v.get('error')}")
                pending.discard(j)
        time.sleep(0.02)
    elapsed = time.monotonic() - start
    for p in procs:
        p.send_signal(signal.SIGINT)
    for p in procs:
        p.wait()
    leased = {}
    for i in range(workers):
        for line in open(os.path.join(work, f"worker-{workers}-{i}.log")):
            parts = line.split()
            if len(parts) >= 4 and parts[1] == "job" and parts[3] == "leased":
                t = datetime.strptime(datetime.now(timezone.utc).strftime("%Y-%m-%d ") + parts[0], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc)
                leased[int(parts[2])] = t
    delays = sorted((first_progress[j] - leased[j]).total_seconds() * 1000 for j in jobs if j in first_progress and j in leased)
    median = delays[len(delays) // 2] if delays else float("nan")
    print(f"| {workers} | {n} | {elapsed:.1f} s | {n / elapsed * 3600:.0f} | {median:.0f} ms ({delays[0]:.0f}-{delays[-1]:.0f}; {len(delays)} of {n} seen) |", flush=True)

print("| workers (1 job each) | renders | wall time (first queued to last succeeded) | renders per hour | lease to first progress seen by a viewer (median, range) |")
print("|---|---|---|---|---|")
for w in (1, 2, 4):
    run(w)
