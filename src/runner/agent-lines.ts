import {agentMessageTypes, type AgentToHost, type SubagentState} from '../../container/agent-runner/src/protocol.js';
import {subagentStates} from './subagents.js';

/**
 * The longest protocol line the host reads from an agent. Far above any honest line (a model
 * request carries at most the trimmed session plus one turn's tool results, about 1 MB); the
 * answer size cap (CONTAINER_MAX_OUTPUT_SIZE) is applied to the answer text, not here.
 */
export const maxAgentLineBytes = 16 * 1024 * 1024;

/** Splits a byte stream into lines; a line over `maxBytes` is dropped (never buffered without bound). */
export class LineSplitter {
	private buffer = '';
	private dropping = false;

	constructor(
		private readonly maxBytes: number,
		private readonly onCut: () => void,
	) {}

	push(chunk: Buffer | string): string[] {
		const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
		const lines: string[] = [];
		let start = 0;
		for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', start)) {
			const piece = text.slice(start, index);
			if (this.dropping) this.dropping = false;
			else if (this.buffer.length + piece.length > this.maxBytes) this.onCut();
			else lines.push(this.buffer + piece);
			this.buffer = '';
			start = index + 1;
		}
		if (!this.dropping) {
			this.buffer += text.slice(start);
			if (this.buffer.length > this.maxBytes) {
				this.buffer = '';
				this.dropping = true;
				this.onCut();
			}
		}
		return lines;
	}
}

const knownTypes = new Set<string>(agentMessageTypes);

/** A protocol message, or null for anything else (logged by the caller, never fatal). */
export function parseAgentLine(line: string): AgentToHost | null {
	const trimmed = line.trim();
	if (!trimmed.startsWith('{')) return null;
	let value: unknown;
	try {
		value = JSON.parse(trimmed);
	} catch {
		return null;
	}
	if (!value || typeof value !== 'object') return null;
	const message = value as Record<string, unknown>;
	if (typeof message.type !== 'string' || !knownTypes.has(message.type)) return null;
	const isString = (key: string) => typeof message[key] === 'string';
	switch (message.type) {
		case 'llm_request':
			return isString('requestId') && Array.isArray(message.messages) && Array.isArray(message.tools) ? (message as unknown as AgentToHost) : null;
		case 'delta':
		case 'output':
			return isString('turnId') && isString('text') ? (message as unknown as AgentToHost) : null;
		case 'turn_done':
			return isString('turnId') && typeof message.ok === 'boolean' ? (message as unknown as AgentToHost) : null;
		case 'tool_use':
			return isString('turnId') && isString('name') && isString('summary') ? (message as unknown as AgentToHost) : null;
		case 'web_request':
			return isString('requestId') && isString('url') && typeof message.maxBytes === 'number' ? (message as unknown as AgentToHost) : null;
		case 'log':
			return isString('msg') && ['debug', 'info', 'warn', 'error'].includes(String(message.level)) ? (message as unknown as AgentToHost) : null;
		case 'llm_cancel':
			return isString('requestId') ? (message as unknown as AgentToHost) : null;
		case 'subagent':
			return isString('id') && isString('name') && subagentStates.includes(message.state as SubagentState) ? (message as unknown as AgentToHost) : null;
		default:
			return message as unknown as AgentToHost;
	}
}
