// Benchmark: one swarm through the real `babybot-tui chat` against the realistic scripted Ollama (one
// prompt-cache slot, a simulated M2 Mac mini). The main agent delegates three tasks; each sub-agent
// reads a ~6 KB log with bash, counts its errors, writes a note and answers (4 requests each). The
// host's queue serves them in its order (the sub-agent served last goes again); next to it, the very
// same requests replayed in the naive order, first come first served, which interleaves the
// sub-agents (a1 b1 c1 a2 b2 c2 …) so each follow-up finds another sub-agent's prompt in the cache.
import fs from 'node:fs';
import path from 'node:path';
import {projectRoot} from '../src/config.js';
import {logText} from '../test/support/conversation.js';
import {OllamaSimulation, type SimRecord} from '../test/support/ollama-model.js';
import {startScriptedOllama, type ChatRequestBody, type ScriptedReply} from '../test/support/ollama-server.js';
import {lastRole, subagentOf} from '../test/support/swarm-model.js';
import {traversableTempDir} from '../test/support/traversable-dir.js';
import {chatEnv, m2, runChat} from './context-bench.js';

const names = ['alpha', 'beta', 'gamma'];
const logOf = (name: string) => `logs/${name}.log`;
const question = 'Look at the alpha, beta and gamma logs and tell me which one has the most errors.';

/** The model's side: the main agent delegates, each sub-agent takes four steps. */
function swarmReply(request: ChatRequestBody): ScriptedReply {
	const name = subagentOf(request);
	if (!name) {
		if (lastRole(request) === 'tool') return {content: `The sub-agents reported:\n${request.messages.at(-1)!.content.slice(0, 600)}`};
		return {toolCalls: [{name: 'delegate', arguments: {tasks: names.map((n) => ({name: n, prompt: `Read ${logOf(n)}, count its ERROR lines, write a one-line note to notes/${n}.md and answer with the count.`, tools: ['bash', 'write_file']}))}}]};
	}
	const done = request.messages.filter((m) => m.role === 'tool').length;
	const steps: ScriptedReply[] = [
		{toolCalls: [{name: 'bash', arguments: {command: `cat ${logOf(name)}`}}]},
		{toolCalls: [{name: 'bash', arguments: {command: `grep -c ERROR ${logOf(name)}`}}]},
		{toolCalls: [{name: 'write_file', arguments: {path: `notes/${name}.md`, content: `${name}: errors counted\n`}}]},
		{content: `${name}: counted the errors of ${logOf(name)} and wrote notes/${name}.md.`},
	];
	return steps[Math.min(done, steps.length - 1)];
}

export interface SwarmFigures {
	requests: number;
	/** Whose request the model served, in order (m = the main agent, a/b/g = the sub-agents). */
	served_order: string;
	evaluated_tokens: number;
	prompt_tokens: number;
	cached_share: number;
	simulated_s: number;
	/** The median share of a sub-agent's follow-up prompt that the model evaluated (the rest came from its cache). */
	subagent_followup_evaluated_share_median: number;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? 0;
const letter = (request: ChatRequestBody) => (subagentOf(request) ?? 'main')[0];

function figures(requests: ChatRequestBody[], records: SimRecord[], clockMs: number): SwarmFigures {
	const chats = records.filter((record) => record.kind === 'chat');
	const evaluated = chats.reduce((total, r) => total + r.evaluated, 0);
	const prompt = chats.reduce((total, r) => total + r.promptTokens, 0);
	const followUps = chats.filter((_, index) => subagentOf(requests[index]) && lastRole(requests[index]) === 'tool');
	return {
		requests: chats.length,
		served_order: requests.map(letter).join(' '),
		evaluated_tokens: evaluated,
		prompt_tokens: prompt,
		cached_share: round(1 - evaluated / prompt, 3),
		simulated_s: round(clockMs / 1000),
		subagent_followup_evaluated_share_median: round(median(followUps.map((r) => r.evaluated / r.promptTokens)), 3),
	};
}

/** The same requests sent to a fresh simulated model in `order`, each answered as the model did. */
function replay(requests: ChatRequestBody[]): SwarmFigures {
	const sim = new OllamaSimulation(m2);
	for (const request of requests) sim.chat(request as never, swarmReply(request) as never);
	return figures(requests, sim.records, sim.clockMs);
}

/** First come, first served with instant tools: every agent's k-th request after all the (k-1)-th ones. */
function naiveOrder(requests: ChatRequestBody[]): ChatRequestBody[] {
	const [first, ...rest] = requests;
	const last = rest.pop()!;
	const rounds = new Map<string, ChatRequestBody[]>();
	for (const request of rest) rounds.set(subagentOf(request)!, [...(rounds.get(subagentOf(request)!) ?? []), request]);
	const depth = Math.max(...[...rounds.values()].map((list) => list.length));
	const interleaved = Array.from({length: depth}, (_, k) => names.flatMap((name) => rounds.get(name)?.[k] ?? []));
	return [first, ...interleaved.flat(), last];
}

export async function measureSwarm(): Promise<{host: SwarmFigures; naive: SwarmFigures}> {
	const root = traversableTempDir('babybot-swarm-bench-');
	const ollama = await startScriptedOllama({realistic: m2, fallback: swarmReply, chunkSize: 256});
	try {
		const home = path.join(root, 'home');
		fs.mkdirSync(path.join(home, 'groups', 'main', 'logs'), {recursive: true});
		names.forEach((name, index) => fs.writeFileSync(path.join(home, 'groups', 'main', logOf(name)), logText(index + 1)));
		const env = chatEnv(root, home, ollama.url);
		const out = await runChat(home, env, question);
		if (!out.includes('3 sub-agents: 3 done')) throw new Error(`the swarm did not finish: ${out.slice(0, 300)}`);
		const requests = [...ollama.chatRequests];
		const host = figures(requests, ollama.sim!.records, ollama.sim!.clockMs);
		// Replaying the host's own order must evaluate what the host's requests did: the replay is faithful.
		const check = replay(requests);
		if (check.evaluated_tokens !== host.evaluated_tokens) throw new Error(`the replay evaluated ${check.evaluated_tokens} tokens, the host ${host.evaluated_tokens}`);
		return {host, naive: replay(naiveOrder(requests))};
	} finally {
		await ollama.close();
		fs.rmSync(root, {recursive: true, force: true});
	}
}

// `node dist-bench/bench/swarm-bench.js` prints the figures alone.
if (process.argv[1] && path.resolve(process.argv[1]) === path.join(projectRoot, 'dist-bench', 'bench', 'swarm-bench.js')) {
	process.stdout.write(`${JSON.stringify(await measureSwarm(), null, 2)}\n`);
}
