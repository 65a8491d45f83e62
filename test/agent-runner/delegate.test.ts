// The delegate tool in the agent-runner, driven through its stdio protocol by a scripted host:
// sub-agents in parallel with their own context and tools, their statuses, kills and limits.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {AgentToHost, LlmRequestMessage, SubagentMessage, SwarmSettings} from '../../container/agent-runner/src/protocol.js';
import {waitFor} from '../support/cli.js';
import {call, startFakeHost, toolMessages, type ScriptReply} from './fake-host.js';

const swarm: SwarmSettings = {maxAgents: 3, maxRounds: 6, tokenBudget: 100_000};

/** The sub-agent a request comes from (by the name in its task message), or 'main'. */
const who = (request: LlmRequestMessage) => (request.subagent ? /Sub-agent "([^"]+)"/.exec(request.messages[1]?.content ?? '')?.[1] ?? '?' : 'main');
const lastRole = (request: LlmRequestMessage) => request.messages.at(-1)!.role;
const delegateCall = (tasks: unknown[], extra: Record<string, unknown> = {}) => ({toolCalls: [call('delegate', {tasks, ...extra})]});
const subagentMessages = (sent: AgentToHost[]) => sent.filter((m): m is SubagentMessage => m.type === 'subagent');
const finalStates = (sent: AgentToHost[]) => Object.fromEntries(subagentMessages(sent).filter((m) => m.state !== 'running').map((m) => [m.name, m.state]));
/** The delegate tool's result, as the main agent read it in its follow-up request. */
const delegateResult = (requests: LlmRequestMessage[]) => toolMessages(requests.filter((r) => !r.subagent).at(-1)!).at(-1)!.content;

/** A process that exists and is not a zombie. */
function isRunning(pid: number): boolean {
	try {
		return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
	} catch {
		return false;
	}
}

const threeTasks = [
	{name: 'alpha', prompt: 'Write alpha.txt with the word A.', tools: ['write_file']},
	{name: 'beta', prompt: 'Write beta.txt with the word B.', tools: ['read_file', 'write_file']},
	{name: 'gamma', prompt: 'Write gamma.txt with the word G.', tools: ['write_file']},
];

/** Each sub-agent writes its file, then answers; beta first tries bash, which it was not given. */
function swarmModel(overrides: Partial<Record<string, (request: LlmRequestMessage) => ScriptReply | null>> = {}) {
	return (request: LlmRequestMessage): ScriptReply | null => {
		const name = who(request);
		const override = overrides[name];
		if (override) return override(request);
		if (name === 'main') return lastRole(request) === 'tool' ? {content: `Summary of the sub-agents:\n${request.messages.at(-1)!.content}`} : delegateCall(threeTasks);
		const results = toolMessages(request);
		if (name === 'beta' && results.length === 0) return {toolCalls: [call('bash', {command: 'echo B > beta.txt'})]};
		if (results.every((result) => !result.content.startsWith('wrote'))) return {toolCalls: [call('write_file', {path: `${name}.txt`, content: name.toUpperCase()})]};
		return {content: `${name}: wrote ${name}.txt`};
	};
}

describe('delegate', () => {
	it('runs each sub-agent with its own short context and only its tools, and returns every answer', async () => {
		const host = startFakeHost({swarm, fallback: swarmModel(), turn: {prompt: '<messages><message sender="me">PARENT-ONLY do the three files</message></messages>'}});
		expect(await host.turnDone('t1')).toMatchObject({ok: true});
		for (const name of ['alpha', 'beta', 'gamma']) expect(fs.readFileSync(path.join(host.paths.group, `${name}.txt`), 'utf8')).toBe(name.toUpperCase());

		const main = host.requests.filter((r) => !r.subagent);
		expect(main[0].tools.map((t) => t.function.name)).toContain('delegate');
		for (const {name, tools} of threeTasks) {
			const own = host.requests.filter((r) => who(r) === name);
			expect(own.length, name).toBeGreaterThanOrEqual(2);
			for (const request of own) {
				expect(request.tools.map((t) => t.function.name), name).toEqual(tools);
				expect(request.messages[0].content).toContain('You are a sub-agent');
				expect(request.messages[1]).toMatchObject({role: 'user'});
				expect(JSON.stringify(request.messages)).not.toContain('PARENT-ONLY');
			}
		}
		const beta = host.requests.filter((r) => who(r) === 'beta');
		expect(toolMessages(beta[1])[0].content).toBe('error: unknown tool "bash"; available tools: read_file, write_file');

		const result = delegateResult(host.requests);
		expect(result.split('\n')[0]).toBe('3 sub-agents: 3 done');
		for (const name of ['alpha', 'beta', 'gamma']) expect(result).toContain(`## ${name} (done)\n${name}: wrote ${name}.txt`);
		expect(host.outputs('t1')[0]).toContain('alpha: wrote alpha.txt');
		expect(finalStates(host.sent)).toEqual({alpha: 'done', beta: 'done', gamma: 'done'});
		const betaDone = subagentMessages(host.sent).filter((m) => m.name === 'beta').at(-1)!;
		expect(betaDone).toMatchObject({rounds: 3, lastOutput: 'beta: wrote beta.txt'});
		const transcript = subagentMessages(host.sent).filter((m) => m.name === 'beta').flatMap((m) => m.lines ?? []);
		expect(transcript[0]).toBe('task: Write beta.txt with the word B.');
		expect(transcript).toContain('→ bash echo B > beta.txt');
		expect(transcript).toContain('← bash: error: unknown tool "bash"; available tools: read_file, write_file');
		await host.stop();
	});

	it('reports a failing sub-agent while the others succeed', async () => {
		const host = startFakeHost({swarm, fallback: swarmModel({gamma: () => ({error: 'the model fell over'})})});
		expect(await host.turnDone('t1')).toMatchObject({ok: true});
		expect(finalStates(host.sent)).toEqual({alpha: 'done', beta: 'done', gamma: 'failed'});
		const result = delegateResult(host.requests);
		expect(result.split('\n')[0]).toBe('3 sub-agents: 2 done, 1 failed');
		expect(result).toContain('## gamma (failed: the model could not answer: the model fell over)');
		expect(fs.existsSync(path.join(host.paths.group, 'alpha.txt'))).toBe(true);
		expect(host.sent).toContainEqual(expect.objectContaining({type: 'log', level: 'warn', subagent: 'gamma', msg: expect.stringContaining('sub-agent "gamma": failed')}));
		await host.stop();
	});

	it('kill_subagent stops one sub-agent and cancels its model request; the others and the turn go on', async () => {
		const host = startFakeHost({swarm, fallback: swarmModel({gamma: () => null})});
		const held = await host.waitFor((m): m is LlmRequestMessage => m.type === 'llm_request' && m.subagent !== undefined && /Sub-agent "gamma"/.test(m.messages[1].content));
		host.send({type: 'kill_subagent', id: held.subagent!});
		expect(await host.turnDone('t1')).toMatchObject({ok: true});
		expect(host.sent).toContainEqual({type: 'llm_cancel', requestId: held.requestId});
		expect(finalStates(host.sent)).toEqual({alpha: 'done', beta: 'done', gamma: 'killed'});
		expect(delegateResult(host.requests)).toContain('## gamma (killed: it was killed by the operator)');
		// A kill for a sub-agent that has ended is ignored with a warning.
		host.send({type: 'kill_subagent', id: held.subagent!});
		await host.waitFor((m): m is AgentToHost => m.type === 'log' && m.msg.includes(`ignored kill_subagent for ${held.subagent}`));
		await host.stop();
	});

	it("kill_subagent also kills the sub-agent's running bash and what the command started", async () => {
		const tasks = threeTasks.map((task) => (task.name === 'gamma' ? {...task, tools: ['bash']} : task));
		const command = '(sleep 60; echo late > late.txt) & echo $! > child.pid; echo $$ > shell.pid; sleep 60';
		const host = startFakeHost({
			swarm,
			fallback: swarmModel({
				main: (request) => (lastRole(request) === 'tool' ? {content: 'noted'} : delegateCall(tasks)),
				gamma: (request) => (toolMessages(request).length === 0 ? {toolCalls: [call('bash', {command})]} : {content: 'gamma: ran'}),
			}),
		});
		const pidFiles = ['shell.pid', 'child.pid'].map((name) => path.join(host.paths.group, name));
		const gamma = await host.waitFor((m): m is SubagentMessage => m.type === 'subagent' && m.name === 'gamma' && (m.lines ?? []).some((line) => line.startsWith('→ bash')));
		await waitFor('both pids written', () => pidFiles.every((file) => fs.existsSync(file) && fs.readFileSync(file, 'utf8').endsWith('\n')));
		const pids = pidFiles.map((file) => Number(fs.readFileSync(file, 'utf8')));
		expect(pids.every(isRunning)).toBe(true);
		host.send({type: 'kill_subagent', id: gamma.id});
		expect(await host.turnDone('t1')).toMatchObject({ok: true});
		expect(finalStates(host.sent)).toEqual({alpha: 'done', beta: 'done', gamma: 'killed'});
		await waitFor('the shell and its child gone', () => !pids.some(isRunning), 10_000);
		await host.stop();
	});

	it('timeout_ms stops the sub-agents still working', async () => {
		const host = startFakeHost({
			swarm,
			fallback: swarmModel({
				main: (request) => (lastRole(request) === 'tool' ? {content: 'noted'} : delegateCall(threeTasks.slice(0, 2), {timeout_ms: 1000})),
				beta: () => null,
			}),
		});
		expect(await host.turnDone('t1')).toMatchObject({ok: true});
		expect(finalStates(host.sent)).toEqual({alpha: 'done', beta: 'timed out'});
		expect(delegateResult(host.requests)).toContain('## beta (timed out: it timed out after 1000 ms (timeout_ms))');
		await host.stop();
	});

	it.each([
		['its round limit', {maxRounds: 2}, undefined, 'it stopped after 2 rounds of tool calls without an answer (AGENT_SWARM_MAX_ROUNDS)'],
		['its token budget', {tokenBudget: 1000}, {promptTokens: 600, outputTokens: 10}, 'it used 1220 tokens, over its budget of 1000 (AGENT_SWARM_TOKEN_BUDGET)'],
	])('a sub-agent that keeps calling tools fails at %s', async (_label, limits, usage, why) => {
		let n = 0;
		const host = startFakeHost({
			swarm: {...swarm, ...limits},
			fallback: swarmModel({
				main: (request) => (lastRole(request) === 'tool' ? {content: 'noted'} : delegateCall([{name: 'busy', prompt: 'keep writing', tools: ['write_file']}])),
				busy: () => ({toolCalls: [call('write_file', {path: `n${++n}.txt`, content: 'x'})], ...(usage ? {usage} : {})}),
			}),
		});
		expect(await host.turnDone('t1')).toMatchObject({ok: true});
		expect(finalStates(host.sent)).toEqual({busy: 'failed'});
		expect(delegateResult(host.requests)).toContain(`## busy (failed: ${why})`);
		await host.stop();
	});

	it.each([
		['too many tasks', [1, 2, 3, 4].map((i) => ({name: `t${i}`, prompt: 'p'})), '4 tasks is more than the 3 sub-agents allowed per call (AGENT_SWARM_MAX)'],
		['a tool the caller does not have', [{name: 'a', prompt: 'p', tools: ['fly']}], 'task "a": "fly" is not one of your tools'],
		['delegate for a sub-agent', [{name: 'a', prompt: 'p', tools: ['delegate']}], 'task "a": a sub-agent cannot delegate (one level deep)'],
		['a task without a prompt', [{name: 'a'}], 'task "a" needs a "prompt"'],
		['the same name twice', [{name: 'a', prompt: 'p'}, {name: 'a', prompt: 'q'}], 'task 2: the name "a" is used twice'],
		['no tasks', [], '"tasks" must be a non-empty array'],
	])('refuses %s before starting any sub-agent', async (_label, tasks, error) => {
		const host = startFakeHost({swarm, replies: [delegateCall(tasks), {content: 'ok'}]});
		expect(await host.turnDone('t1')).toMatchObject({ok: true});
		expect(toolMessages(host.requests[1])[0].content).toContain(`error: ${error}`);
		expect(host.requests.some((r) => r.subagent)).toBe(false);
		await host.stop();
	});

	it('a sub-agent given no tool list gets all of the caller\'s tools but delegate; without swarm settings there is no delegate tool', async () => {
		const host = startFakeHost({
			swarm,
			fallback: swarmModel({main: (request) => (lastRole(request) === 'tool' ? {content: 'ok'} : delegateCall([{name: 'all', prompt: 'look'}])), all: () => ({content: 'seen'})}),
		});
		await host.turnDone('t1');
		const [main, sub] = host.requests;
		const mainTools = main.tools.map((t) => t.function.name);
		expect(sub.tools.map((t) => t.function.name)).toEqual(mainTools.filter((name) => name !== 'delegate'));
		await host.stop();
		const off = startFakeHost({replies: [{content: 'ok'}]});
		await off.turnDone('t1');
		expect(off.requests[0].tools.map((t) => t.function.name)).not.toContain('delegate');
		await off.stop();
	});
});
