// Benchmark: a 12-turn conversation with ~6 KB tool outputs through the real `babybot-tui chat`
// (12 processes, one home) against the scripted Ollama in its realistic mode, timed on a simulated
// M2 Mac mini (an 8B Q4 model: ~150 tokens/s prompt processing, ~16 tokens/s generation, 3 s load).
// Next to it: the same conversation sent the way a naive client does (no num_ctx, the whole
// history, no think), which is how the host behaved before it sized the context.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type {StartMessage} from '../container/agent-runner/src/protocol.js';
import {buildSystemPrompt} from '../container/agent-runner/src/system-prompt.js';
import {formatBashResult} from '../container/agent-runner/src/tools/bash-tool.js';
import {toolDefinitions, toolsFor} from '../container/agent-runner/src/tools/registry.js';
import {projectRoot} from '../src/config.js';
import {formatMessages} from '../src/router.js';
import {answer, conversationReply, conversationTurns, logText, question, writeConversationFiles} from '../test/support/conversation.js';
import {OllamaSimulation, type RealisticOptions, type SimRecord} from '../test/support/ollama-model.js';
import {startScriptedOllama} from '../test/support/ollama-server.js';
import {traversableTempDir} from '../test/support/traversable-dir.js';

export const m2: RealisticOptions = {promptTokensPerSecond: 150, generateTokensPerSecond: 16, loadMs: 3000, defaultThinking: 'Let me think about what the user wants here. '.repeat(30)};

export interface ConversationFigures {
	requests: number;
	num_ctx: number;
	largest_prompt_tokens: number;
	truncated_requests: number;
	requests_without_system_or_tools: number;
	followup_evaluated_share_median: number;
	/** Within a turn, the most a follow-up evaluated beyond the messages appended to it (template tokens). */
	in_turn_followup_extra_evaluated_max: number;
	model_loads: number;
	simulated_s: number;
	/** The same requests if every prompt were evaluated in full (no prompt cache). */
	full_evaluation_s: number;
	/** Only the tokens new to the conversation evaluated, one load: the floor. */
	new_tokens_floor_s: number;
	simulated_over_floor: number;
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : 0;
};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function figures(sim: OllamaSimulation, records: SimRecord[]): ConversationFigures {
	const chats = records.filter((r) => r.kind === 'chat');
	const loads = records.filter((r) => r.loaded).length;
	const prompt = sim.options.promptTokensPerSecond ?? 150;
	const gen = sim.options.generateTokensPerSecond ?? 16;
	const loadS = ((sim.options.loadMs ?? 3000) / 1000);
	const seconds = (tokens: number, perSecond: number) => tokens / perSecond;
	const output = chats.reduce((total, r) => total + seconds(r.outputTokens, gen), 0);
	const full = loads * loadS + chats.reduce((total, r) => total + seconds(r.promptTokens, prompt), 0) + output;
	const floor = loadS + chats.reduce((total, r) => total + seconds(Math.min(r.newTokens, r.promptTokens), prompt), 0) + output;
	const simulated = sim.clockMs / 1000;
	return {
		requests: chats.length,
		num_ctx: Math.max(...chats.map((r) => r.numCtx)),
		largest_prompt_tokens: Math.max(...chats.map((r) => r.fullTokens)),
		truncated_requests: chats.filter((r) => r.droppedMessages > 0 || r.runnerCut).length,
		requests_without_system_or_tools: chats.filter((r) => !r.hasSystem || !r.hasTools).length,
		followup_evaluated_share_median: round(median(chats.slice(1).map((r) => r.evaluated / r.promptTokens)), 3),
		// Every turn has two requests: the question, then the follow-up after its tool result.
		in_turn_followup_extra_evaluated_max: Math.max(...chats.filter((_, index) => index % 2 === 1).map((r) => r.evaluated - r.newTokens)),
		model_loads: loads,
		simulated_s: round(simulated),
		full_evaluation_s: round(full),
		new_tokens_floor_s: round(floor),
		simulated_over_floor: round(simulated / floor, 3),
	};
}

export function runChat(home: string, env: NodeJS.ProcessEnv, text: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'babybot-tui.js'), 'chat', text], {env, stdio: ['ignore', 'pipe', 'pipe']});
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.stderr.on('data', (chunk) => (err += chunk));
		child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`babybot-tui chat exited ${code}: ${err.trim()} (home ${home})`))));
	});
}

/** The environment of `babybot-tui chat` in a bench: its own home under `root`, runtime none. */
export function chatEnv(root: string, home: string, ollamaUrl: string): NodeJS.ProcessEnv {
	return {
		PATH: process.env.PATH,
		HOME: root,
		BABYBOT_HOME: home,
		MOUNT_ALLOWLIST_PATH: path.join(root, 'allowlist.json'),
		OLLAMA_BASE_URL: ollamaUrl,
		CONTAINER_RUNTIME: 'none',
		LOG_LEVEL: 'warn',
		TZ: 'UTC',
	};
}

/** The conversation through the real binary, as the host sends it now. */
export async function measureHostConversation(): Promise<ConversationFigures> {
	const root = traversableTempDir('babybot-context-bench-');
	const ollama = await startScriptedOllama({realistic: m2, fallback: conversationReply, chunkSize: 256, keepRequests: false});
	try {
		const home = path.join(root, 'home');
		writeConversationFiles(path.join(home, 'groups', 'main'));
		const env = chatEnv(root, home, ollama.url);
		for (let turn = 1; turn <= conversationTurns; turn++) {
			const out = await runChat(home, env, question(turn));
			if (out.trim() !== answer(turn)) throw new Error(`turn ${turn} answered ${JSON.stringify(out.slice(0, 200))}`);
		}
		return figures(ollama.sim!, ollama.sim!.records);
	} finally {
		await ollama.close();
		fs.rmSync(root, {recursive: true, force: true});
	}
}

/** The same conversation from a client that sends everything and sets nothing (Ollama's defaults). */
export function measureNaiveConversation(): ConversationFigures {
	const sim = new OllamaSimulation(m2);
	const group = {folder: 'main', name: 'Main', isMain: true, chatJid: 'local:main'};
	const tools = toolsFor(group);
	const definitions = toolDefinitions(tools);
	const templates = path.join(projectRoot, 'groups');
	const start = {
		group,
		assistantName: 'Baby',
		paths: {group: path.join(templates, 'main'), global: path.join(templates, 'global'), ipc: '', session: '', skills: '', extra: {}, readOnly: []},
	} as unknown as StartMessage;
	const system = {role: 'system', content: buildSystemPrompt({start, tools, memoryChars: 20_000})};
	const history: Array<{role: string; content: string; tool_calls?: Array<{function: {name: string; arguments: unknown}}>; tool_name?: string}> = [];
	for (let turn = 1; turn <= conversationTurns; turn++) {
		history.push({role: 'user', content: formatMessages([{senderName: 'Operator', timestamp: '2026-03-14T09:00:00.000Z', content: question(turn)}])});
		const call = {function: {name: 'bash', arguments: {command: `cat logs/service-${turn}.log`}}};
		const first = sim.chat({model: 'qwen3:8b', messages: [system, ...history], tools: definitions}, {toolCalls: [{name: 'bash', arguments: call.function.arguments}]});
		history.push({role: 'assistant', content: first.content, tool_calls: [call]});
		history.push({role: 'tool', content: formatBashResult({exitCode: 0, signal: null, timedOut: false, timeoutMs: 60_000, stdout: logText(turn), stderr: ''}), tool_name: 'bash'});
		const second = sim.chat({model: 'qwen3:8b', messages: [system, ...history], tools: definitions}, {content: answer(turn)});
		history.push({role: 'assistant', content: second.content});
	}
	return figures(sim, sim.records);
}
