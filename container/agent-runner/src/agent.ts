// The agent-runner's protocol loop: start → ready → turns, one at a time, until close or EOF.
import type {Readable, Writable} from 'node:stream';
import {runSessionCommand} from './commands.js';
import {ContextWindow} from './context-window.js';
import {IpcClient} from './ipc-client.js';
import {MessageWriter, readLines} from './json-lines.js';
import {LlmBridge} from './llm-bridge.js';
import type {ContextBudget, HostToAgent, StartMessage, ToolDefinition, TurnInput} from './protocol.js';
import {defaultTrimBounds, SessionStore, type Transcript, trimTranscript, type TrimBounds} from './session.js';
import {buildSystemPrompt} from './system-prompt.js';
import {errorMessage} from './text.js';
import {defaultBudget, memoryCharsPerFile} from './token-budget.js';
import {SubagentRegistry} from './swarm/swarm-context.js';
import {runToolLoop, turnSink} from './tool-loop.js';
import {toolDefinitions, toolsFor} from './tools/registry.js';
import type {Tool, ToolContext} from './tools/tool.js';
import {WebClient} from './web-client.js';
import {Workspace} from './workspace.js';

export interface RunAgentOptions {
	input: Readable;
	output: Writable;
	/** The clock (dated memory headings). */
	now?: () => Date;
	trimBounds?: TrimBounds;
}

/** Exit codes: 0 after close or EOF, 1 when the input ended before a start, 2 on a bad start message. */
export async function runAgent(options: RunAgentOptions): Promise<number> {
	const writer = new MessageWriter(options.output);
	const inbox = new Inbox();
	const lines = readLines(options.input);
	void readInto(lines, inbox, writer);
	const start = await inbox.nextStart();
	if (!start) {
		writer.log('error', 'the input ended before a start message arrived');
		return 1;
	}
	const problem = checkStart(start);
	if (problem) {
		writer.log('error', `bad start message: ${problem}`);
		lines.close();
		return 2;
	}
	writer.send({type: 'ready'});
	const session = new AgentSession(start, writer, inbox, options);
	await session.run(start.turn);
	lines.close();
	return 0;
}

/** What the reader has received and not yet handled; the worker waits on it. */
class Inbox {
	start: StartMessage | undefined;
	turns: TurnInput[] = [];
	closing = false;
	ended = false;
	bridge: LlmBridge | undefined;
	web: WebClient | undefined;
	subagents: SubagentRegistry | undefined;
	private waiter: (() => void) | undefined;

	notify(): void {
		const waiter = this.waiter;
		this.waiter = undefined;
		waiter?.();
	}

	wait(): Promise<void> {
		return new Promise((resolve) => (this.waiter = resolve));
	}

	async nextStart(): Promise<StartMessage | undefined> {
		while (!this.start && !this.ended) await this.wait();
		return this.start;
	}
}

async function readInto(lines: AsyncIterable<string>, inbox: Inbox, writer: MessageWriter): Promise<void> {
	try {
		for await (const line of lines) {
			if (!line.trim()) continue;
			let message: HostToAgent;
			try {
				message = JSON.parse(line) as HostToAgent;
			} catch {
				writer.log('warn', `ignored a line that is not JSON: ${line.slice(0, 200)}`);
				continue;
			}
			if (!message || typeof message !== 'object' || typeof message.type !== 'string') {
				writer.log('warn', `ignored a line that is not a protocol message: ${line.slice(0, 200)}`);
				continue;
			}
			dispatch(message, inbox, writer);
		}
	} finally {
		inbox.ended = true;
		inbox.bridge?.closeAll('the host closed the connection before the model answered');
		inbox.web?.closeAll('the host closed the connection before the page arrived');
		inbox.notify();
	}
}

function dispatch(message: HostToAgent, inbox: Inbox, writer: MessageWriter): void {
	switch (message.type) {
		case 'start':
			if (inbox.start) writer.log('warn', 'ignored a second start message');
			else inbox.start = message;
			break;
		case 'turn':
			if (typeof message.turnId !== 'string' || typeof message.prompt !== 'string') {
				writer.log('warn', 'ignored a turn without a string turnId and prompt');
				if (typeof message.turnId === 'string') writer.send({type: 'turn_done', turnId: message.turnId, ok: false, error: 'the turn had no prompt'});
				return;
			}
			inbox.turns.push(message);
			break;
		case 'llm_chunk':
		case 'llm_error':
			if (!inbox.bridge?.handle(message)) writer.log('warn', `ignored ${message.type} for unknown request ${message.requestId}`);
			return;
		case 'web_response':
			if (!inbox.web?.handle(message)) writer.log('warn', `ignored web_response for unknown request ${message.requestId}`);
			return;
		case 'kill_subagent':
			if (!inbox.subagents?.stop(String(message.id), 'killed', 'it was killed by the operator')) writer.log('warn', `ignored kill_subagent for ${String(message.id)}: no such sub-agent is running`);
			return;
		case 'close':
			inbox.closing = true;
			break;
		default:
			writer.log('warn', `ignored an unknown message type: ${(message as {type: string}).type}`);
			return;
	}
	inbox.notify();
}

/** A budget from the host, or undefined when it is missing or not usable. */
function validBudget(budget: ContextBudget | undefined): ContextBudget | undefined {
	if (!budget) return undefined;
	const {numCtx, reserveTokens, charsPerToken} = budget;
	if (![numCtx, reserveTokens, charsPerToken].every((n) => Number.isFinite(n) && n > 0) || reserveTokens >= numCtx) return undefined;
	return {numCtx, reserveTokens, charsPerToken};
}

/** Sub-agent limits from the host, or undefined (no delegate tool) when absent or not usable. */
function validSwarm(swarm: StartMessage['swarm']): StartMessage['swarm'] {
	if (!swarm) return undefined;
	const {maxAgents, maxRounds, tokenBudget} = swarm;
	return [maxAgents, maxRounds, tokenBudget].every((n) => Number.isInteger(n) && n > 0) ? {maxAgents, maxRounds, tokenBudget} : undefined;
}

function checkStart(start: StartMessage): string | undefined {
	const paths = start.paths;
	if (!paths || typeof paths.group !== 'string' || typeof paths.ipc !== 'string' || typeof paths.session !== 'string') {
		return 'paths.group, paths.ipc and paths.session must be strings';
	}
	if (!Array.isArray(paths.readOnly)) return 'paths.readOnly must be an array';
	const limits = start.limits;
	if (!limits || ![limits.maxToolRounds, limits.toolOutputChars, limits.ipcAckTimeoutMs].every((n) => Number.isFinite(n) && n > 0)) {
		return 'limits.maxToolRounds, toolOutputChars and ipcAckTimeoutMs must be positive numbers';
	}
	if (!start.turn || typeof start.turn.turnId !== 'string' || typeof start.turn.prompt !== 'string') return 'turn needs a turnId and a prompt';
	if (!start.group || typeof start.group.chatJid !== 'string') return 'group.chatJid must be a string';
	return undefined;
}

class AgentSession {
	private readonly bridge: LlmBridge;
	private readonly tools: Map<string, Tool>;
	private readonly definitions: ToolDefinition[];
	private readonly context: ToolContext;
	private budget: ContextBudget;
	private readonly store: SessionStore | undefined;
	private readonly bounds: TrimBounds;
	private readonly now: () => Date;
	private transcript: Transcript = {messages: []};

	constructor(
		private readonly start: StartMessage,
		private readonly writer: MessageWriter,
		private readonly inbox: Inbox,
		options: RunAgentOptions,
	) {
		this.bridge = new LlmBridge(writer, start.runId);
		inbox.bridge = this.bridge;
		if (inbox.ended) this.bridge.closeAll('the host closed the connection before the model answered');
		const swarm = validSwarm(start.swarm);
		this.tools = toolsFor(start.group, swarm);
		inbox.web = new WebClient(writer, start.runId);
		if (inbox.ended) inbox.web.closeAll('the host closed the connection before the page arrived');
		this.definitions = toolDefinitions(this.tools);
		this.budget = validBudget(start.budget) ?? defaultBudget;
		const ipc = new IpcClient({ipcDir: start.paths.ipc, ackTimeoutMs: start.limits.ipcAckTimeoutMs});
		this.context = {start, workspace: new Workspace(start.paths), ipc, web: inbox.web};
		if (swarm) {
			inbox.subagents = new SubagentRegistry();
			this.context.swarm = {settings: swarm, bridge: this.bridge, writer, tools: this.tools, budget: () => this.budget, registry: inbox.subagents};
		}
		this.bounds = options.trimBounds ?? defaultTrimBounds;
		this.now = options.now ?? (() => new Date());
		if (start.contextMode === 'group') {
			this.store = new SessionStore(start.paths.session);
			const loaded = this.store.load();
			this.transcript = loaded.transcript;
			if (loaded.warning) writer.log('warn', loaded.warning);
		}
	}

	/** Runs the first turn whatever follows it, then follow-ups until close or EOF. */
	async run(firstTurn: TurnInput): Promise<void> {
		await this.runTurn(firstTurn);
		for (;;) {
			if (this.inbox.closing || this.inbox.ended) break;
			const turn = this.inbox.turns.shift();
			if (turn) await this.runTurn(turn);
			else await this.inbox.wait();
		}
		// Turns that arrived but never started still get their one turn_done, so the host can send them again.
		for (const turn of this.inbox.turns.splice(0)) {
			this.writer.send({type: 'turn_done', turnId: turn.turnId, ok: false, error: 'the run was closed before this turn started; send it again'});
		}
	}

	private async runTurn(turn: TurnInput): Promise<void> {
		try {
			this.budget = validBudget(turn.budget) ?? this.budget;
			const systemPrompt = buildSystemPrompt({start: this.start, tools: this.tools, summary: this.transcript.summary, memoryChars: memoryCharsPerFile(this.budget)});
			const window = new ContextWindow({budget: this.budget, systemPrompt, tools: this.definitions, transcript: this.transcript});
			if (turn.command) {
				const result = await runSessionCommand({
					command: turn.command,
					transcript: this.transcript,
					window,
					definitions: this.definitions,
					groupDir: this.start.paths.group,
					bridge: this.bridge,
					now: this.now,
				});
				if (!result.ok) return this.done(turn, result.error);
				this.transcript = result.transcript;
				this.writer.send({type: 'output', turnId: turn.turnId, text: result.reply});
			} else {
				const result = await runToolLoop({
					turn,
					window,
					definitions: this.definitions,
					tools: this.tools,
					context: this.context,
					bridge: this.bridge,
					sink: turnSink(this.writer, turn.turnId),
				});
				// Turns dropped to fit stay dropped even when this turn failed.
				if (!result.ok) {
					await this.save();
					return this.done(turn, result.error);
				}
				this.transcript = {...this.transcript, messages: trimTranscript([...this.transcript.messages, ...result.messages], this.bounds)};
			}
			this.budget = window.currentBudget;
			await this.save();
			this.done(turn);
		} catch (error) {
			this.done(turn, `the agent failed: ${errorMessage(error)}`);
		}
	}

	private async save(): Promise<void> {
		if (!this.store) return;
		try {
			await this.store.save(this.transcript, this.bounds);
		} catch (error) {
			this.writer.log('error', `could not save the session transcript: ${errorMessage(error)}`);
		}
	}

	private done(turn: TurnInput, error?: string): void {
		if (error) this.writer.log('error', `turn ${turn.turnId}: ${error}`);
		this.writer.send({type: 'turn_done', turnId: turn.turnId, ok: !error, ...(error ? {error} : {})});
	}
}
