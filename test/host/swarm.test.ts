// Sub-agents through the whole host in process (runtime none, the real bridge and queue): another
// group's chat goes before the swarm's remaining requests, the operator kills one sub-agent, a
// scheduled task delegates, and a swarm's follow-ups reuse the prompt cache.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {waitFor} from '../support/cli.js';
import {startScriptedOllama, type ChatRequestBody, type ScriptedReply} from '../support/ollama-server.js';
import {lastRole, subagentAnswer, subagentOf, swarmModel} from '../support/swarm-model.js';
import {closeAfterEach, startTestHost} from '../support/test-host.js';

const closing = closeAfterEach();

/** A reply the test gives later: the request waits at the model until then. */
function held() {
	let give!: (reply: ScriptedReply) => void;
	const reply = new Promise<ScriptedReply>((resolve) => (give = resolve));
	return {reply, give};
}

const isFamily = (request: ChatRequestBody) => request.messages.some((m) => m.role === 'user' && m.content.includes('hi from family'));
const who = (request: ChatRequestBody) => (isFamily(request) ? 'family' : (subagentOf(request) ?? 'main'));

describe('sub-agents in the host', () => {
	it("another group's chat message sent during the swarm is answered before the swarm's remaining requests", async () => {
		const alpha = held();
		let alphaHeld = false;
		const ollama = closing(
			await startScriptedOllama({
				fallback: swarmModel({
					main: (request) => (isFamily(request) ? {content: 'Hello, family.'} : undefined),
					override: (name, request) => {
						if (name !== 'alpha' || lastRole(request) !== 'user' || alphaHeld) return undefined;
						alphaHeld = true;
						return alpha.reply;
					},
				}),
			}),
		);
		const t = closing(await startTestHost({runtime: 'none', ollamaUrl: ollama.url}));
		await t.host.registerGroup({jid: 'family@g.us', name: 'Family', folder: 'family', requiresTrigger: false});
		const mainTurn = t.ask('main', 'look into alpha, beta and gamma');
		const queued = (lane: string, group: string) => () => t.host.snapshot().ollama.queue?.waiting.filter((entry) => entry.lane === lane && entry.group === group).length ?? 0;
		await waitFor("alpha's request at the model and its siblings' in the queue", () => alphaHeld && queued('subagent', 'main')() === 2);
		const familyTurn = t.ask('family', 'hi from family');
		await waitFor("family's request in the queue", () => queued('chat', 'family')() === 1, 20_000);
		alpha.give({toolCalls: [{name: 'write_file', arguments: {path: 'alpha.txt', content: 'A'}}]});

		expect(await familyTurn).toMatchObject({ok: true, replies: ['Hello, family.']});
		const main = await mainTurn;
		expect(main.ok).toBe(true);
		expect(main.replies[0]).toContain('3 sub-agents: 3 done');
		const order = ollama.chatRequests.map(who);
		// main's delegate call, alpha's held request, then family, then everything else of the swarm.
		expect(order.slice(0, 3)).toEqual(['main', 'alpha', 'family']);
		expect(order.slice(3).sort()).toEqual(['alpha', 'beta', 'beta', 'gamma', 'gamma', 'main']);
		expect(t.host.snapshot().subagents.map((s) => [s.name, s.state])).toEqual([
			['alpha', 'done'],
			['beta', 'done'],
			['gamma', 'done'],
		]);
	}, 60_000);

	it('killing one sub-agent stops its model request and leaves the others running; the logs name it', async () => {
		const ollama = closing(await startScriptedOllama({latencyMs: 20, fallback: swarmModel({override: (name) => (name === 'beta' ? {stall: true} : undefined)})}));
		const t = closing(await startTestHost({runtime: 'none', ollamaUrl: ollama.url}));
		const turn = t.ask('main', 'look into alpha, beta and gamma');
		const beta = await waitFor('beta running', () => t.host.snapshot().subagents.find((s) => s.name === 'beta' && s.state === 'running'));
		await waitFor("beta's request at the model", () => ollama.chatRequests.some((request) => subagentOf(request) === 'beta'));
		await t.host.killSubagent(beta.runId, beta.id);
		const outcome = await turn;
		expect(outcome.ok).toBe(true);
		expect(outcome.replies[0]).toContain('3 sub-agents: 2 done, 1 killed');
		expect(outcome.replies[0]).toContain('## beta (killed: it was killed by the operator)');
		expect(outcome.replies[0]).toContain(`## gamma (done)\n${subagentAnswer('gamma')}`);
		expect(t.host.snapshot().subagents.map((s) => [s.name, s.state])).toEqual([
			['alpha', 'done'],
			['beta', 'killed'],
			['gamma', 'done'],
		]);
		const transcript = (await t.host.runOutput(beta.runId))!.subagents![beta.id];
		expect(transcript[0]).toBe('task: Write beta.txt with the findings about beta.');
		expect(transcript.at(-1)).toBe('killed: it was killed by the operator');
		const logged = t.host.logs.all().filter((line) => line.fields.includes('subagent=beta'));
		expect(logged.map((line) => line.msg)).toEqual(expect.arrayContaining(['sub-agent beta started', expect.stringMatching(/^sub-agent beta killed: it was killed by the operator/)]));
		await expect(t.host.killSubagent(beta.runId, beta.id)).rejects.toThrow(`sub-agent ${beta.id} of run ${beta.runId} is not running`);
	}, 60_000);

	it('a scheduled task may delegate', async () => {
		const ollama = closing(await startScriptedOllama({fallback: swarmModel()}));
		const t = closing(await startTestHost({runtime: 'none', ollamaUrl: ollama.url}));
		const dir = path.join(t.home, 'ipc', 'main', 'tasks');
		fs.writeFileSync(path.join(dir, '.tmp-1.json'), JSON.stringify({type: 'schedule_task', prompt: 'look into alpha, beta and gamma', schedule_type: 'once', schedule_value: new Date(Date.now() + 3_600_000).toISOString(), context_mode: 'isolated'}));
		fs.renameSync(path.join(dir, '.tmp-1.json'), path.join(dir, '1.json'));
		const task = await waitFor('the task', () => t.host.snapshot().tasks[0]);
		await t.host.runTaskNow(task.id);
		const done = await waitFor('the task result', () => t.host.snapshot().tasks[0].lastResult, 30_000);
		expect(done).toContain('3 sub-agents: 3 done');
		for (const name of ['alpha', 'beta', 'gamma']) expect(fs.existsSync(path.join(t.home, 'groups', 'main', `${name}.txt`))).toBe(true);
	}, 60_000);
});
