// `npm run bench`: every figure of the benchmark issue, printed as a table and written to
// bench-results.json in the project root. Docker, gVisor and Podman figures are null, with the
// reason, where that runtime or its image is missing.
import fs from 'node:fs';
import path from 'node:path';
import {loadConfig, projectRoot} from '../src/config.js';
import {startScriptedOllama} from '../test/support/ollama-server.js';
import {checkTestRuntime, type TestRuntimeName} from '../test/support/runtimes.js';
import {measureEventLatency, measureRssWithClients, measureSnapshotOverSocket} from './control-bench.js';
import {measureHostConversation, measureNaiveConversation, type ConversationFigures} from './context-bench.js';
import {measureBareRunBaseline, measureE2e} from './e2e-bench.js';
import {measureHistorySearch} from './history-bench.js';
import {measureIngest} from './ingest-bench.js';
import {measureIpcAck, type Percentiles} from './ipc-bench.js';
import {measureLoadMemory} from './load-bench.js';
import {measureMonth} from './month-bench.js';
import {measureIdleRss} from './rss-bench.js';
import {measureSchedulerLateness} from './scheduler-bench.js';
import {measureSwarm} from './swarm-bench.js';
import {measureLogsFrame} from './tui-bench.js';

type Figure = Percentiles | number | null;

interface Row {
	key: string;
	value: Figure;
	aim: string;
	met: boolean | null;
}

/** Each container runtime beside a bare run of its engine, and the cold aim against that bare run. */
const containerRuntimes: Array<{name: TestRuntimeName; baselineKey: string; coldFactor: number}> = [
	{name: 'docker', baselineKey: 'docker_run_baseline_ms', coldFactor: 1.5},
	{name: 'gvisor', baselineKey: 'gvisor_run_baseline_ms', coldFactor: 1.3},
	{name: 'podman', baselineKey: 'podman_run_baseline_ms', coldFactor: 1.5},
];

const fmt = (value: Figure) => (value === null ? 'null' : typeof value === 'number' ? String(value) : `p50 ${value.p50.toFixed(1)}  p95 ${value.p95.toFixed(1)}`);

async function main(): Promise<void> {
	const rows: Row[] = [];
	const add = (key: string, value: Figure, aim: string, met: (value: NonNullable<Figure>) => boolean) =>
		rows.push({key, value, aim, met: value === null ? null : met(value)});
	const p = (value: Figure) => value as Percentiles;
	const progress = (what: string) => process.stderr.write(`bench: ${what}…\n`);

	progress('end to end, runtime none');
	const none = await measureE2e('none', {cold: 10, warm: 30});
	add('e2e_ms.none.cold', none.cold, 'p50 < 1000 ms', (v) => p(v).p50 < 1000);
	add('e2e_ms.none.warm', none.warm, 'p50 < 30 ms', (v) => p(v).p50 < 30);

	const image = loadConfig().containerImage;
	const unavailable: Record<string, string> = {};
	const baselines: Record<string, Percentiles | null> = {};
	for (const {name, baselineKey, coldFactor} of containerRuntimes) {
		const coldAim = `p50 ≤ ${coldFactor} × ${baselineKey}`;
		const status = await checkTestRuntime(name, image);
		if (!status.ok) {
			progress(`${name} figures skipped: ${status.reason}`);
			unavailable[name] = status.reason;
			baselines[baselineKey] = null;
			add(`e2e_ms.${name}.cold`, null, coldAim, () => false);
			add(`e2e_ms.${name}.warm`, null, 'p50 < 30 ms', () => false);
			add(baselineKey, null, '(reference)', () => true);
			continue;
		}
		progress(`bare ${status.runtime.bareRun.join(' ')}`);
		const baseline = await measureBareRunBaseline(status.runtime.bareRun, image, 10);
		baselines[baselineKey] = baseline;
		progress(`end to end, runtime ${name}`);
		const measured = await measureE2e(name, {cold: 10, warm: 30}, status.runtime.engine);
		add(`e2e_ms.${name}.cold`, measured.cold, coldAim, (v) => p(v).p50 <= coldFactor * baseline.p50);
		add(`e2e_ms.${name}.warm`, measured.warm, 'p50 < 30 ms', (v) => p(v).p50 < 30);
		add(baselineKey, baseline, '(reference)', () => true);
	}

	progress('IPC ack');
	add('ipc_ack_ms', await measureIpcAck(200), 'p50 < 50 ms', (v) => p(v).p50 < 50);
	progress('scheduler lateness');
	add('scheduler_lateness_ms', await measureSchedulerLateness(40), 'p95 < 100 ms', (v) => p(v).p95 < 100);
	progress('SQLite ingest');
	add('sqlite_ingest_per_s', measureIngest(50_000), '≥ 20000 /s', (v) => (v as number) >= 20_000);
	progress('search_history over 100,000 messages');
	const history = measureHistorySearch();
	add('history_search_ms.group', history.group_ms, 'p95 < 20 ms', (v) => p(v).p95 < 20);
	add('history_search_ms.main', history.main_ms, 'p95 < 20 ms', (v) => p(v).p95 < 20);
	add('history_index_mb', history.index_mb, `(${history.messages} messages; the table ${history.messages_table_mb} MB)`, () => true);
	add('history_catch_up_1000_ms', history.catch_up_1000_ms, '(first search after 1,000 new messages)', () => true);
	progress('Logs pane frame with 100k lines');
	const frame = measureLogsFrame(100_000);
	add('tui_render_100k_logs_ms', {p50: frame.p50, p95: frame.p95}, 'p50 < 16 ms', (v) => p(v).p50 < 16);
	progress('memory after 1,000 messages over 20 groups');
	const load = await measureLoadMemory();
	add('load_1000_heap_growth_mb', load.growthMb, '< 10 MB (heap after GC)', (v) => (v as number) < 10);
	progress('idle host RSS');
	const ollama = await startScriptedOllama();
	const rss = await measureIdleRss(ollama.url);
	add('host_idle_rss_mb', typeof rss === 'number' ? rss : null, '< 200 MB', (v) => (v as number) < 200);
	progress('host RSS with three attached clients');
	const withClients = await measureRssWithClients(ollama.url).finally(() => ollama.close());
	add('host_rss_3_clients_mb', typeof withClients === 'number' ? withClients : null, '< host_idle_rss_mb + 30 MB', (v) => typeof rss !== 'number' || (v as number) < rss + 30);
	progress('event latency, in-process and attached');
	const latency = await measureEventLatency(400);
	add('event_latency_ms.in_process', latency.inProcess, '(reference)', () => true);
	add('event_latency_ms.attached', latency.attached, 'p50 within 5 ms of in-process', (v) => p(v).p50 - latency.inProcess.p50 <= 5);
	progress('snapshot over the socket (1,000 messages, 100 runs)');
	const snapshot = await measureSnapshotOverSocket(50);
	add('snapshot_over_socket_ms', snapshot.attachMs, 'p50 < 20 ms', (v) => p(v).p50 < 20);
	add('snapshot_in_process_ms', snapshot.inProcessMs, '(reference)', () => true);
	progress('12-turn conversation with ~6 KB tool outputs, simulated M2 Mac mini');
	const context = await measureHostConversation();
	const naive = measureNaiveConversation();
	const c = (key: keyof ConversationFigures) => context[key];
	add('context.largest_prompt_tokens', c('largest_prompt_tokens'), `≤ num_ctx ${c('num_ctx')}`, (v) => (v as number) <= c('num_ctx'));
	add('context.truncated_requests', c('truncated_requests'), `0 of ${c('requests')}`, (v) => v === 0);
	add('context.requests_without_system_or_tools', c('requests_without_system_or_tools'), '0', (v) => v === 0);
	add('context.followup_evaluated_share_median', c('followup_evaluated_share_median'), '(share of a follow-up prompt evaluated)', () => true);
	add('context.in_turn_followup_extra_evaluated_max', c('in_turn_followup_extra_evaluated_max'), '≤ 36 tokens beyond the appended messages', (v) => (v as number) <= 36);
	add('context.model_loads', c('model_loads'), '1', (v) => v === 1);
	add('context.simulated_s', c('simulated_s'), `≤ 1.1 × floor ${c('new_tokens_floor_s')} s`, () => context.simulated_over_floor <= 1.1);
	add('context.full_evaluation_s', c('full_evaluation_s'), '(every prompt evaluated in full)', () => true);
	add('context.naive_client.truncated_requests', naive.truncated_requests, `(of ${naive.requests}, num_ctx ${naive.num_ctx})`, () => true);
	add('context.naive_client.simulated_s', naive.simulated_s, '(no num_ctx, whole history, thinking)', () => true);
	progress('a swarm of three sub-agents (4 requests each), simulated M2 Mac mini');
	const swarm = await measureSwarm();
	add('swarm.evaluated_tokens', swarm.host.evaluated_tokens, `< naive order ${swarm.naive.evaluated_tokens}`, (v) => (v as number) < swarm.naive.evaluated_tokens);
	add('swarm.cached_share', swarm.host.cached_share, `(naive order ${swarm.naive.cached_share})`, () => true);
	add('swarm.subagent_followup_evaluated_share_median', swarm.host.subagent_followup_evaluated_share_median, `(naive order ${swarm.naive.subagent_followup_evaluated_share_median})`, () => true);
	add('swarm.simulated_s', swarm.host.simulated_s, `< naive order ${swarm.naive.simulated_s} s`, (v) => (v as number) < swarm.naive.simulated_s);
	progress('a simulated month in one host process');
	const month = await measureMonth();
	add('month_rss_start_mb', month.start.rssMb, '(reference, idle)', () => true);
	add('month_rss_day15_mb', month.middle.rssMb, '(reference, warm)', () => true);
	add('month_rss_end_mb', month.end.rssMb, '< day 15 + 10 MB', (v) => (v as number) < month.middle.rssMb + 10);
	add('month_heap_start_mb', month.start.heapMb, '(reference, after GC)', () => true);
	add('month_heap_end_mb', month.end.heapMb, '< start + 5 MB', (v) => (v as number) < month.start.heapMb + 5);
	add('month_store_start_mb', month.start.storeMb, '(reference)', () => true);
	add('month_store_end_mb', month.end.storeMb, `< 16 MB (${month.messages} messages kept)`, (v) => (v as number) < 16);
	add('month_wal_end_mb', month.end.walMb, '< 12 MB (truncated every 6 h)', (v) => (v as number) < 12);

	const width = Math.max(...rows.map((r) => r.key.length));
	process.stdout.write(`\n${'figure'.padEnd(width)}  ${'value (ms unless named)'.padEnd(30)}  ${'aim'.padEnd(36)}  met\n`);
	for (const row of rows) {
		const met = row.met === null ? '—' : row.met ? 'yes' : 'NO';
		process.stdout.write(`${row.key.padEnd(width)}  ${fmt(row.value).padEnd(30)}  ${row.aim.padEnd(36)}  ${met}\n`);
	}

	const byKey = Object.fromEntries(rows.map((r) => [r.key, r.value]));
	const results = {
		e2e_ms: {
			none: {cold: byKey['e2e_ms.none.cold'], warm: byKey['e2e_ms.none.warm']},
			...Object.fromEntries(
				containerRuntimes.map(({name}) => [name, {cold: byKey[`e2e_ms.${name}.cold`], warm: byKey[`e2e_ms.${name}.warm`], ...(unavailable[name] ? {reason: unavailable[name]} : {})}]),
			),
		},
		...baselines,
		...(unavailable.docker ? {docker_unavailable_reason: unavailable.docker} : {}),
		ipc_ack_ms: byKey.ipc_ack_ms,
		scheduler_lateness_ms: byKey.scheduler_lateness_ms,
		sqlite_ingest_per_s: byKey.sqlite_ingest_per_s,
		history_search: history,
		tui_render_100k_logs_ms: byKey.tui_render_100k_logs_ms,
		host_idle_rss_mb: byKey.host_idle_rss_mb,
		load_1000_heap_growth_mb: byKey.load_1000_heap_growth_mb,
		load_1000: load,
		host_rss_3_clients_mb: byKey.host_rss_3_clients_mb,
		...(typeof withClients === 'number' ? {} : {host_rss_3_clients_reason: withClients.reason}),
		event_latency_ms: {in_process: latency.inProcess, attached: latency.attached},
		snapshot_over_socket_ms: snapshot.attachMs,
		snapshot_in_process_ms: snapshot.inProcessMs,
		snapshot_bytes: snapshot.snapshotBytes,
		context_conversation: context,
		context_conversation_naive_client: naive,
		swarm: swarm.host,
		swarm_naive_order: swarm.naive,
		month,
		...(typeof rss === 'number' ? {} : {host_idle_rss_reason: rss.reason}),
		aims: Object.fromEntries(rows.map((r) => [r.key, {aim: r.aim, met: r.met}])),
		measured_at: new Date().toISOString(),
		node: process.version,
	};
	const file = path.join(projectRoot, 'bench-results.json');
	fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
	process.stdout.write(`\nwritten to ${file}\n`);
}

await main();
