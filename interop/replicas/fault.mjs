// The fault test of three replicas sharing one Redis behind HAProxy
// (started by fault.sh, which passes what it started). Raw HTTP, so that
// the test controls Last-Event-ID and sees which replica answered (the
// X-Replica header HAProxy adds).
//
//   node fault.mjs URL WORK REDIS_PORT REDIS_PID PID_R1 PID_R2 PID_R3
//
// 1. A 2025-11-25 session; its GET stream is held by replica H. A
//    slow_compute task (its notifications/progress and
//    notifications/tasks/status go to the GET stream) runs on another replica, R. After two status
//    events, H is killed with SIGKILL; the client reconnects the GET
//    stream through the balancer with Last-Event-ID and must receive
//    every event it missed, in sequence, none twice; then the task's
//    result, tools/list and a tools/call on the same session.
// 2. redis-server is shut down (saving its data) and restarted while a
//    bounded loop sends 20 requests a second through the balancer: during
//    the outage a request that needs the store gets 503 naming the store;
//    every request after Redis is back (within a generous bound) succeeds.
import { spawn, execFileSync } from "node:child_process";
import net from "node:net";

const [url, work, redisPort, redisPid, ...replicaPids] = process.argv.slice(2);
const replicaPid = { r1: +replicaPids[0], r2: +replicaPids[1], r3: +replicaPids[2] };
const V = "2025-11-25";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failures = 0;
function check(ok, what) {
	console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
	if (!ok) failures++;
	return ok;
}
function fatal(what) {
	console.log(`FAIL ${what}`);
	process.exit(1);
}

// sse yields the events of a text/event-stream body: {id, data}.
async function* sse(body) {
	const dec = new TextDecoder();
	let buf = "";
	let ev = { id: undefined, data: [] };
	for await (const chunk of body) {
		buf += dec.decode(chunk, { stream: true });
		let i;
		while ((i = buf.search(/\r?\n/)) >= 0) {
			const line = buf.slice(0, i);
			buf = buf.slice(i + (buf[i] === "\r" ? 2 : 1));
			if (line === "") {
				if (ev.id !== undefined || ev.data.length) yield { id: ev.id, data: ev.data.join("\n") };
				ev = { id: undefined, data: [] };
			} else if (line.startsWith("id:")) ev.id = line.slice(3).trim();
			else if (line.startsWith("data:")) ev.data.push(line.slice(5).replace(/^ /, ""));
		}
	}
}

let nextId = 1;
// rpc posts one request and returns {status, replica, headers, msg, text}.
async function rpc(session, method, params, { timeout = 10000 } = {}) {
	const id = nextId++;
	const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": V };
	if (session) headers["mcp-session-id"] = session;
	const res = await fetch(url, {
		method: "POST", headers, signal: AbortSignal.timeout(timeout),
		body: JSON.stringify({ jsonrpc: "2.0", id, method, ...(params ? { params } : {}) }),
	});
	const out = { status: res.status, replica: res.headers.get("x-replica"), headers: res.headers, msg: null, text: "" };
	if ((res.headers.get("content-type") || "").startsWith("text/event-stream")) {
		for await (const ev of sse(res.body)) {
			if (!ev.data) continue;
			const m = JSON.parse(ev.data);
			if (m.id === id) { out.msg = m; break; }
		}
	} else {
		out.text = await res.text();
		try { out.msg = JSON.parse(out.text); } catch {}
	}
	return out;
}
async function notify(session, method) {
	const res = await fetch(url, {
		method: "POST",
		headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": session, "mcp-protocol-version": V },
		body: JSON.stringify({ jsonrpc: "2.0", method }),
	});
	await res.text();
	return res.status;
}
async function openSession() {
	const r = await rpc(null, "initialize", { protocolVersion: V, capabilities: {}, clientInfo: { name: "fault-test", version: "1" } });
	const session = r.headers.get("mcp-session-id");
	if (r.status !== 200 || !session || !r.msg?.result) return { r };
	await notify(session, "notifications/initialized");
	return { r, session };
}

// getStream opens the session's GET stream and collects its events.
function getStream(session, lastEventID) {
	const headers = { accept: "text/event-stream", "mcp-session-id": session, "mcp-protocol-version": V };
	if (lastEventID) headers["last-event-id"] = lastEventID;
	const s = { events: [], ended: null, replica: null, status: 0, wake: () => {} };
	s.ready = fetch(url, { headers }).then(async (res) => {
		s.status = res.status;
		s.openedAt = Date.now();
		s.replica = res.headers.get("x-replica");
		if (res.status !== 200) { s.ended = `HTTP ${res.status}: ${await res.text()}`; return; }
		s.done = (async () => {
			try {
				for await (const ev of sse(res.body)) { ev.at = Date.now(); s.events.push(ev); s.wake(); }
				s.ended = "end of stream";
			} catch (e) { s.ended = String(e.cause?.code || e.message || e); }
			s.wake();
		})();
	});
	s.until = async (pred, ms, what) => {
		const deadline = Date.now() + ms;
		while (!pred()) {
			if (Date.now() > deadline) fatal(`timed out waiting for ${what}`);
			await new Promise((r) => { s.wake = r; setTimeout(r, 200); });
		}
	};
	return s;
}
const method = (ev, name) => {
	try { const m = JSON.parse(ev.data); return m.method === name ? m.params : null; } catch { return null; }
};
const statusOf = (ev) => method(ev, "notifications/tasks/status");
const progressOf = (ev) => method(ev, "notifications/progress");
const seqOf = (id) => Number(id.slice(id.lastIndexOf("#") + 1));

// ---- 1. SIGKILL the replica holding the GET stream ----
console.log("==> fault 1: kill -9 the replica holding the GET stream during a task streaming progress");
const { r: ir, session } = await openSession();
if (!session) fatal(`initialize: HTTP ${ir.status} ${ir.text}`);
const get1 = getStream(session);
await get1.ready;
if (get1.status !== 200) fatal(`GET stream: ${get1.ended}`);
const holder = get1.replica;
const seconds = 8;
const call = await rpc(session, "tools/call", { name: "slow_compute", arguments: { seconds, label: "fault" }, _meta: { progressToken: "fault" }, task: { ttl: 120000 } });
const runner = call.replica;
const taskId = call.msg?.result?.task?.taskId;
if (!taskId) fatal(`tools/call slow_compute as a task: HTTP ${call.status} ${JSON.stringify(call.msg) || call.text}`);
console.log(`     session ${session}: GET stream on ${holder}, task ${taskId} running on ${runner}`);
// Round robin sends the call to the replica after the GET's; if it ever
// lands on the holder, killing it loses the task (only the calls running
// on a dead replica are lost), which is not what this part tests.
if (!check(runner && runner !== holder, `the task runs on another replica than the GET stream's (${runner} vs ${holder})`)) process.exit(1);
await get1.until(() => get1.events.filter(progressOf).length >= 2, 15000, "two notifications/progress on the GET stream");
const lastSeen = get1.events.filter((e) => e.id).at(-1).id;
const killedAt = Date.now();
const before = get1.events.length;
process.kill(replicaPid[holder], "SIGKILL");
console.log(`     ${get1.events.length} events received (last id ${lastSeen}); kill -9 ${holder} (pid ${replicaPid[holder]})`);
await get1.until(() => get1.ended !== null, 5000, "the GET stream to end after the kill");
console.log(`     GET stream on ${holder} ended (${get1.ended}); ${get1.events.length - before} events arrived after the kill`);
await sleep(2500); // the task keeps reporting while no replica holds the stream
const reconnectAt = Date.now();
const get2 = getStream(session, lastSeen);
await get2.ready;
check(get2.status === 200, `GET with Last-Event-ID through the balancer: HTTP ${get2.status}${get2.status === 200 ? "" : " " + get2.ended}`);
check(get2.replica && get2.replica !== holder, `the resumed stream is served by a live replica (${get2.replica})`);
await get2.until(() => get2.events.some((e) => statusOf(e)?.status === "completed"), 20000, "the task's completed status on the resumed stream");
get2.ended ??= "closed by the test";

const all = [...get1.events, ...get2.events].filter((e) => e.id);
const ids = all.map((e) => e.id);
check(new Set(ids).size === ids.length, `no event received twice (${ids.length} ids)`);
const prefix = (id) => id.slice(0, id.lastIndexOf("#"));
check(ids.every((id) => prefix(id) === prefix(ids[0])), `every event is of one stream (${prefix(ids[0])})`);
const resumed = get2.events.filter((e) => e.id);
check(resumed.length > 0 && seqOf(resumed[0].id) === seqOf(lastSeen) + 1,
	`the resumed stream starts right after Last-Event-ID ${lastSeen} (first: ${resumed[0]?.id})`);
let gaps = 0;
for (let i = 1; i < ids.length; i++) if (seqOf(ids[i]) !== seqOf(ids[i - 1]) + 1) gaps++;
check(gaps === 0, `event sequence numbers ${seqOf(ids[0])}..${seqOf(ids.at(-1))} with no gap`);
// The replay arrives at once when the stream opens; the task reports once a second.
const missed = get2.events.filter((e) => e.data && e.at - get2.openedAt < 500);
check(missed.filter(progressOf).length >= 2, `${missed.length} events produced while no replica held the stream were replayed at once (${missed.filter(progressOf).length} progress; at least 2 expected after 2.5 s)`);
const msgs = all.map(progressOf).filter(Boolean).map((p) => p.message);
check(new Set(msgs).size === msgs.length, `no progress message twice (${msgs.length}: ${msgs.join(", ")})`);
const steps = msgs.map((m) => Number(m.split(" ")[1]));
check(steps.every((k, i) => i === 0 || k > steps[i - 1]), `progress in order (${steps.join(" ")})`);
const result = await rpc(session, "tasks/result", { taskId }, { timeout: 20000 });
check(result.msg?.result?.content?.[0]?.text === `Computed "fault" in ${seconds} seconds`, `tasks/result on ${result.replica}: ${JSON.stringify(result.msg?.result?.content) ?? result.text}`);
const list = await rpc(session, "tools/list");
check(list.status === 200 && list.msg?.result?.tools?.some((t) => t.name === "slow_compute"), `tools/list on the same session after the kill (${list.replica}): HTTP ${list.status}`);
for (let i = 0; i < 2; i++) {
	const greet = await rpc(session, "tools/call", { name: "greet", arguments: { name: "again" } });
	check(greet.msg?.result?.content?.[0]?.text === "Hello, again!", `tools/call greet on the same session (${greet.replica}): ${JSON.stringify(greet.msg?.result?.content) ?? greet.text}`);
}
console.log(`     figures: ${missed.length} missed events replayed on ${get2.replica} (${resumed.length} events on the resumed stream), reconnected ${reconnectAt - killedAt} ms after the kill`);

// ---- 2. restart redis-server under light load ----
console.log("==> fault 2: restart redis-server while 20 requests a second go through the balancer");
const redisUp = () => new Promise((resolve) => {
	const c = net.connect(+redisPort, "127.0.0.1", () => { c.destroy(); resolve(true); });
	c.on("error", () => resolve(false));
});
const { session: s2 } = await openSession();
if (!s2) fatal("initialize before the outage");
const log = [];
let stop = false, downAt = 0, upAt = 0, redis2 = null;
const record = (flow, kind, p) => p.then(
	(r) => { log.push({ t: Date.now(), flow, kind, status: r.status, replica: r.replica, retryAfter: r.headers.get("retry-after"), body: r.text || JSON.stringify(r.msg) }); return r; },
	(e) => { log.push({ t: Date.now(), flow, kind, status: 0, body: String(e.cause?.code || e.message) }); return null; });
// A flow is what a new client does: initialize, notifications/initialized,
// tools/call; with round robin its requests land on different replicas,
// and a replica that did not open the session reads it from the store.
async function flow(n) {
	const t = Date.now();
	const init = await record(n, "initialize", rpc(null, "initialize", { protocolVersion: V, capabilities: {}, clientInfo: { name: "load", version: "1" } }, { timeout: 5000 }));
	const id = init?.headers.get("mcp-session-id");
	if (init?.status !== 200 || !id) return { t, n };
	await record(n, "notifications/initialized", fetch(url, {
		method: "POST", signal: AbortSignal.timeout(5000),
		headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": id, "mcp-protocol-version": V },
		body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
	}).then(async (r) => Object.assign(r, { text: await r.text(), replica: r.headers.get("x-replica") })));
	await record(n, "tools/call", rpc(id, "tools/call", { name: "greet", arguments: { name: "load" } }, { timeout: 5000 }));
	return { t, n };
}
const flows = [];
const loop = (async () => {
	const inflight = [];
	for (let i = 0; i < 5 * 30 && !stop; i++) { // at most 30 s: a flow (3 requests) and a call on an open session every 200 ms
		flows.push({ n: i, t: Date.now() });
		inflight.push(flow(i), record(-1, "tools/call (open session)", rpc(s2, "tools/call", { name: "greet", arguments: { name: "load" } }, { timeout: 5000 })));
		await sleep(200);
	}
	await Promise.all(inflight);
})();
await sleep(1500);
downAt = Date.now();
execFileSync("redis-cli", ["-p", redisPort, "shutdown", "save"], { stdio: "ignore" });
while (await redisUp()) await sleep(20);
const outageStart = Date.now();
await sleep(3000);
redis2 = spawn("redis-server", ["--port", redisPort, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", work], { stdio: "ignore" });
process.on("exit", () => { try { redis2.kill(); } catch {} });
while (!(await redisUp())) await sleep(20);
while (execFileSync("redis-cli", ["-p", redisPort, "ping"]).toString().trim() !== "PONG") await sleep(20);
upAt = Date.now();
console.log(`     redis-server down for ${upAt - outageStart} ms (restarted as pid ${redis2.pid}, its data saved and loaded)`);
// Run until every request for two seconds has succeeded, or 15 s after Redis is back.
const okStatus = (e) => e.status === 200 || e.status === 202;
for (;;) {
	await sleep(200);
	const recent = log.filter((e) => e.t > Date.now() - 2000 && e.t > upAt + 200);
	if (Date.now() - upAt > 3000 && recent.length > 20 && recent.every(okStatus)) break;
	if (Date.now() - upAt > 15000) break;
}
stop = true;
await loop;
log.sort((a, b) => a.t - b.t);
const flowStart = new Map(flows.map((f) => [f.n, f.t]));
// Every answer is a success or a 503 (an initialize whose session could
// not be stored included); a session id handed out is one every replica
// can find (no 404).
const bad = log.filter((e) => !okStatus(e) && e.status !== 503);
check(bad.length === 0, `every answer is 200/202 or 503 (${log.length} requests${bad.length ? "; others: " + bad.slice(0, 3).map((e) => `${e.kind} ${e.status} on ${e.replica} at ${e.t - upAt} ms after Redis answered (its flow began at ${e.flow >= 0 ? flowStart.get(e.flow) - upAt : "-"} ms) ${e.body.slice(0, 120)}`).join(" | ") : ""})`);
const unavailable = log.filter((e) => e.status === 503);
const kinds = [...new Set(unavailable.map((e) => e.kind))].map((k) => `${unavailable.filter((e) => e.kind === k).length} ${k}`).join(", ");
check(unavailable.length > 0, `${unavailable.length} requests during the outage got 503 (${kinds})`);
const unclear = unavailable.filter((e) => !e.body.includes("state store is unavailable") || e.retryAfter == null);
check(unclear.length === 0, `every 503 names the store and has Retry-After${unclear.length ? ": " + unclear[0].body.slice(0, 300) : " (" + (unavailable[0]?.body || "").slice(0, 200) + ")"}`);
check(unavailable.every((e) => e.t >= downAt), "no 503 before Redis went down");
const openDuring = log.filter((e) => e.flow < 0 && e.t > outageStart && e.t < upAt);
check(openDuring.length > 0 && openDuring.every(okStatus), `the open session was served throughout the outage by replicas holding it (${openDuring.length} calls)`);
const lastFail = log.filter((e) => !okStatus(e)).at(-1);
const recovery = lastFail ? Math.max(0, lastFail.t - upAt) : 0;
const after = log.filter((e) => e.t > (lastFail?.t ?? 0));
check(recovery <= 10000 && after.length >= 20 && after.every(okStatus), `service resumed ${recovery} ms after Redis answered (bound 10 s), then ${after.length} requests in a row succeeded`);
const s3 = await openSession();
check(!!s3.session, `a new session after the restart (${s3.r.replica})`);
for (let i = 0; i < 2; i++) {
	const again = await rpc(s2, "tools/call", { name: "greet", arguments: { name: "after" } });
	check(again.msg?.result?.content?.[0]?.text === "Hello, after!", `the session opened before the restart still works (${again.replica})`);
}
console.log(`     figures: outage ${upAt - outageStart} ms, ${unavailable.length} of ${log.length} requests answered 503, recovery ${recovery} ms after Redis answered`);
process.exit(failures ? 1 : 0);
