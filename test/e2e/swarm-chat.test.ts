// Sub-agents end to end through the real binary (`babybot-tui chat`, runtime none) and the scripted
// model: the main agent delegates three tasks, each sub-agent works with its own small context and
// only its tools, and the answer brings the results together.
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cliEnv, runCli, withoutUnsandboxed} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {fileTasks, findings, lastRole, subagentAnswer, subagentOf, swarmModel} from '../support/swarm-model.js';
import {tempHome} from '../support/temp-home.js';

let ollama: ScriptedOllama | undefined;
afterEach(async () => {
	await ollama?.close();
	ollama = undefined;
});

const parentContext = `Please look into alpha, beta and gamma. Background: ${'PARENT-CONTEXT the long story of this chat. '.repeat(120)}`;

describe('sub-agents end to end (real binary, runtime none)', () => {
	it('three sub-agents write their files with their own small context and only their tools; the answer has all three', async () => {
		const {home, allowlist} = tempHome();
		// beta first calls bash, which it was not given.
		const tasks = fileTasks.map((task) => (task.name === 'beta' ? {...task, tools: ['read_file', 'write_file']} : task));
		ollama = await startScriptedOllama({
			realistic: {},
			latencyMs: 20,
			fallback: swarmModel({tasks, override: (name, request) => (name === 'beta' && lastRole(request) === 'user' ? {toolCalls: [{name: 'bash', arguments: {command: 'echo hi > beta.txt'}}]} : undefined)}),
		});
		const result = await runCli(['chat', parentContext], cliEnv({home, allowlist, ollamaUrl: ollama.url}));
		expect({...result, stderr: withoutUnsandboxed(result.stderr)}).toMatchObject({code: 0, stderr: ''});
		expect(result.stdout).toContain('3 sub-agents: 3 done');
		for (const {name} of tasks) {
			expect(result.stdout).toContain(`## ${name} (done)\n${subagentAnswer(name)}`);
			expect(fs.readFileSync(path.join(home, 'groups', 'main', `${name}.txt`), 'utf8')).toBe(findings(name));
		}

		const requests = ollama.chatRequests;
		const records = ollama.sim!.records.filter((record) => record.kind === 'chat');
		expect(records).toHaveLength(requests.length);
		const parent = requests.findIndex((request) => !subagentOf(request));
		for (const {name, tools} of tasks) {
			const own = requests.map((request, index) => ({request, index})).filter(({request}) => subagentOf(request) === name);
			expect(own.length, name).toBe(name === 'beta' ? 3 : 2);
			for (const {request, index} of own) {
				expect(request.tools!.map((tool) => tool.function.name), name).toEqual(tools);
				expect(request.messages[0].content).toContain('You are a sub-agent');
				expect(JSON.stringify(request.messages), name).not.toContain('PARENT-CONTEXT');
				expect(records[index].promptTokens, name).toBeLessThan(records[parent].promptTokens);
			}
		}
		const beta = requests.filter((request) => subagentOf(request) === 'beta');
		expect(beta[1].messages.at(-1)).toMatchObject({role: 'tool', tool_name: 'bash', content: 'error: unknown tool "bash"; available tools: read_file, write_file'});
		// OLLAMA_NUM_PARALLEL defaults to 1: the model never had two requests at once.
		expect(ollama.maxConcurrentChats()).toBe(1);
	}, 60_000);

	it('one failing sub-agent is reported while the others succeed', async () => {
		const {home, allowlist} = tempHome();
		ollama = await startScriptedOllama({fallback: swarmModel({override: (name) => (name === 'gamma' ? {httpStatus: 500, error: 'out of memory'} : undefined)})});
		const result = await runCli(['chat', 'look into alpha, beta and gamma'], cliEnv({home, allowlist, ollamaUrl: ollama.url}));
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('3 sub-agents: 2 done, 1 failed');
		expect(result.stdout).toContain(`## alpha (done)\n${subagentAnswer('alpha')}`);
		expect(result.stdout).toContain('## gamma (failed: the model could not answer: Ollama error');
		expect(result.stdout).toContain('out of memory');
		expect(fs.existsSync(path.join(home, 'groups', 'main', 'beta.txt'))).toBe(true);
		expect(fs.existsSync(path.join(home, 'groups', 'main', 'gamma.txt'))).toBe(false);
	}, 60_000);

	it('OLLAMA_NUM_PARALLEL=3 lets the three sub-agents ask at once; ENABLE_AGENT_SWARMS=false removes the tool', async () => {
		const {home, allowlist} = tempHome();
		ollama = await startScriptedOllama({latencyMs: 200, fallback: swarmModel()});
		const parallel = await runCli(['chat', 'look into alpha, beta and gamma'], cliEnv({home, allowlist, ollamaUrl: ollama.url, extra: {OLLAMA_NUM_PARALLEL: '3'}}));
		expect(parallel.stdout).toContain('3 sub-agents: 3 done');
		expect(ollama.maxConcurrentChats()).toBe(3);

		ollama.chatRequests.splice(0);
		ollama.push({content: 'I work alone.'});
		const off = await runCli(['chat', 'hello'], cliEnv({home, allowlist, ollamaUrl: ollama.url, extra: {ENABLE_AGENT_SWARMS: 'false'}}));
		expect(off.stdout).toBe('I work alone.\n');
		expect(ollama.chatRequests[0].tools!.map((tool) => tool.function.name)).not.toContain('delegate');
	}, 60_000);
});
