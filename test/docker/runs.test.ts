// Runs in real containers (Docker, Podman and gVisor): the hard timeout, the operator's kill, the output cap, orphans.
import {execFileSync} from 'node:child_process';
import {expect, it} from 'vitest';
import {installLabelFor} from '../../src/host/sandbox-spec.js';
import {waitFor} from '../support/cli.js';
import {describeWithRuntimes, testImage} from '../support/docker-gate.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {installContainers, startTestHost, type TestHost, closeAfterEach} from '../support/test-host.js';

let ollama: ScriptedOllama | undefined;
let running: TestHost | undefined;
const track = closeAfterEach();

await describeWithRuntimes('runs', (rt) => {
	it('a hung run is killed at CONTAINER_TIMEOUT and the chat is told why', async () => {
		ollama = track(await startScriptedOllama({replies: [{toolCalls: [{name: 'bash', arguments: {command: 'sleep 600', timeout_ms: 600_000}}]}]}));
		running = track(await startTestHost({runtime: rt.name, engine: rt.engine, ollamaUrl: ollama.url, env: {CONTAINER_TIMEOUT: '4000'}}));
		const warnings: string[] = [];
		running.host.events.on('reply', (reply) => reply.error && warnings.push(reply.text));
		const outcome = await running.ask('main', 'run something slow');
		expect(outcome.ok).toBe(false);
		expect(outcome.error).toBe('the run hit CONTAINER_TIMEOUT (4000 ms) and was killed');
		expect(warnings).toEqual(['⚠️ the run hit CONTAINER_TIMEOUT (4000 ms) and was killed']);
		const run = await waitFor('the run to end', () => running!.host.snapshot().runs.find((r) => r.state === 'ended'));
		expect(run).toMatchObject({endReason: 'timeout', error: 'the run hit CONTAINER_TIMEOUT (4000 ms) and was killed'});
		expect(installContainers(running.home, rt.engine)).toEqual([]);
	});

	it('a run killed by the operator ends cleanly and frees its slot for the waiting group', async () => {
		ollama = track(await startScriptedOllama({replies: [{stall: true, content: 'thinking…'}, {content: 'family answer'}]}));
		running = track(await startTestHost({runtime: rt.name, engine: rt.engine, ollamaUrl: ollama.url, env: {MAX_CONCURRENT_CONTAINERS: '1'}}));
		await running.host.registerGroup({jid: 'family@g.us', name: 'Family', folder: 'family', requiresTrigger: false});
		const mainTurn = running.ask('main', 'think hard');
		await waitFor('the first model request', () => ollama!.chatRequests.length === 1);
		const familyTurn = running.ask('family', 'hello');
		const live = running.host.snapshot().runs.filter((run) => run.state !== 'ended');
		expect(live.map((run) => run.groupFolder)).toEqual(['main']);
		await running.host.killRun(live[0].id);
		expect(await mainTurn).toMatchObject({ok: false, error: 'the run was killed by the operator'});
		expect(await familyTurn).toMatchObject({ok: true, replies: ['family answer']});
		expect(running.host.snapshot().runs.find((run) => run.id === live[0].id)).toMatchObject({state: 'ended', endReason: 'killed'});
		expect(installContainers(running.home, rt.engine).filter((name) => name.startsWith('babybot-main-'))).toEqual([]);
	});

	it('an answer over CONTAINER_MAX_OUTPUT_SIZE is cut, not buffered', async () => {
		ollama = track(await startScriptedOllama({replies: [{content: 'x'.repeat(300_000)}], chunkSize: 4096}));
		running = track(await startTestHost({runtime: rt.name, engine: rt.engine, ollamaUrl: ollama.url, env: {CONTAINER_MAX_OUTPUT_SIZE: '5000'}}));
		const outcome = await running.ask('main', 'say a lot');
		expect(outcome.ok).toBe(true);
		expect(outcome.replies).toHaveLength(1);
		expect(outcome.replies[0]).toBe(`${'x'.repeat(5000)}\n[output cut at 5000 bytes]`);
	});

	it('containers an earlier host left behind are removed at start-up', async () => {
		const made = tempHome();
		const orphan = `babybot-main-orphan${process.pid}`;
		execFileSync(rt.bareRun[0], [...rt.bareRun.slice(1), '-d', '--rm', '--network', 'none', '--name', orphan, '--label', `babybot.install=${installLabelFor(made.home)}`, testImage, 'sleep', '600']);
		expect(installContainers(made.home, rt.engine)).toEqual([orphan]);
		ollama = track(await startScriptedOllama());
		running = track(await startTestHost({runtime: rt.name, engine: rt.engine, ollamaUrl: ollama.url, home: made}));
		expect(installContainers(made.home, rt.engine)).toEqual([]);
		const reaped = running.host.logs.all().find((line) => line.msg === 'removed containers an earlier host left running');
		expect(reaped?.fields).toContain(orphan);
	});
});
