// Runs autocannon in a child process so the load generator never shares the server's event loop
// (autocannon changes behaviour inside worker threads, so a process it is). Options arrive as JSON
// on stdin; the summary goes to stdout as JSON.
import autocannon from 'autocannon';

let input = '';
for await (const chunk of process.stdin) input += chunk;
try {
  const r = await autocannon(JSON.parse(input));
  process.stdout.write(JSON.stringify({
    rps: r.requests.average, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max,
    requests: r.requests.total, errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx,
  }));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
}
