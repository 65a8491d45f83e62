// Load: 1,000 messages over 20 groups with MAX_CONCURRENT_CONTAINERS=3, arriving in waves while
// runs are warm, queued and closing. Never more than 3 sandboxes live at any moment, every message
// reaches the model exactly once, every group is answered, and nothing is left running.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {waitFor} from '../support/cli.js';
import {startScriptedOllama, type ChatRequestBody, type ScriptedOllama} from '../support/ollama-server.js';
import {startTestHost, type TestHost} from '../support/test-host.js';

const groups = Array.from({length: 20}, (_, i) => `g${String(i).padStart(2, '0')}`);
const perGroup = 50;

let ollama: ScriptedOllama;
let running: TestHost;
beforeAll(async () => {
	// The model answers each turn by naming the messages it was given.
	ollama = await startScriptedOllama({fallback: (request) => ({content: `seen ${tokensOf(request).length}`}), chunkSize: 256});
	running = await startTestHost({runtime: 'none', ollamaUrl: ollama.url, env: {MAX_CONCURRENT_CONTAINERS: '3', CONTAINER_IDLE_TIMEOUT: '2000'}});
	for (const folder of groups) await running.host.registerGroup({jid: `${folder}@g.us`, name: folder, folder, requiresTrigger: false});
});
afterAll(async () => {
	await running.stop();
	await ollama.close();
});

/** The message tokens in a request's current turn (its last user message). */
function tokensOf(request: ChatRequestBody): string[] {
	const prompt = request.messages.at(-1)?.content ?? '';
	return prompt.match(/msg-g\d\d-\d+/g) ?? [];
}

describe('load', () => {
	it('answers 1,000 messages over 20 groups exactly once each, starving none', async () => {
		const replied = new Map<string, number>();
		running.host.events.on('reply', (reply) => replied.set(reply.groupFolder, (replied.get(reply.groupFolder) ?? 0) + 1));
		// Sampled on every change of a run, while the runs are live.
		let mostLive = 0;
		running.host.events.on('change', ({part}) => {
			if (part !== 'runs') return;
			mostLive = Math.max(mostLive, running.host.snapshot().runs.filter((run) => run.state !== 'ended').length);
		});
		for (let wave = 0; wave < perGroup; wave++) {
			for (const folder of groups) await running.host.sendLocalMessage(folder, `msg-${folder}-${wave}`);
			await new Promise((resolve) => setImmediate(resolve)); // the host takes the wave in before the next
		}
		const all = groups.flatMap((folder) => Array.from({length: perGroup}, (_, wave) => `msg-${folder}-${wave}`));
		const seen = () => ollama.chatRequests.flatMap(tokensOf);
		await waitFor('every message to reach the model', () => new Set(seen()).size === all.length, 120_000);
		await waitFor('every turn to finish', () => running.host.snapshot().runs.every((run) => run.state !== 'running' && run.state !== 'starting'), 60_000);

		const counts = new Map<string, number>();
		for (const token of seen()) counts.set(token, (counts.get(token) ?? 0) + 1);
		expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
		expect([...counts.keys()].sort()).toEqual([...all].sort());
		expect(groups.filter((folder) => !replied.get(folder))).toEqual([]);
		expect(mostLive).toBe(3);
	}, 180_000);
});
