// Runs autocannon in a child process so the load generator never shares the server's event loop
// (autocannon changes behaviour inside worker threads, so a process it is). Options arrive as JSON
// on stdin; the summary goes to stdout as JSON. SIGTERM stops the run early and still reports.
import autocannon from 'autocannon';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const instance = autocannon(JSON.parse(input), (err, r) => {
  if (err) return void process.stdout.write(JSON.stringify({ error: err.message }));
  process.stdout.write(JSON.stringify({
    rps: r.requests.average, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max,
    requests: r.requests.total, errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx,
  }));
});
process.on('SIGTERM', () => instance.stop());
// Tells the parent a SIGTERM from now on stops the run and still reports (before this, it would kill us).
process.send?.('started');
process.channel?.unref(); // the channel must not keep this process alive after the run
// The parent died without stopping us (killed, crashed): its IPC channel closes. Without this a
// long run (the ingest scenario asks for 3,600 s) went on loading the machine for the next benchmark.
process.on('disconnect', () => process.exit(1));
