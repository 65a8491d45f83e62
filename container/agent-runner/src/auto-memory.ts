// Auto-memory: after a turn whose user messages look like a lasting fact or preference (the host's
// cheap check of the words, ENABLE_AUTO_MEMORY), one short request asks the model what to record,
// and its bullet lines are appended to MEMORY.md. It is skipped when the turn changed MEMORY.md
// itself. The request shares the turn's prompt prefix (so the prompt cache covers all but its last
// message), is never shown in the chat and never saved in the session; a line already in memory is
// not written again.
import crypto from 'node:crypto';
import type {ContextWindow} from './context-window.js';
import {ContextTooSmall} from './context-window.js';
import {LlmError, type LlmBridge} from './llm-bridge.js';
import {cleanModelText, memoryFile, readMemoryText} from './memory-text.js';
import {appendOwnFile} from './own-files.js';
import type {ChatMessage, ToolDefinition} from './protocol.js';
import {askModel} from './tool-loop.js';

export const lastingFactRequest =
	'[Memory check from the assistant host, not from the user.] Did the user just state a lasting fact about themselves or a preference ' +
	'worth remembering in later conversations? If so, and it is not in your memory yet, answer only with one short Markdown bullet line per fact ' +
	'(at most 3), e.g. "- Prefers tea to coffee". Otherwise answer exactly NOTHING. Do not call tools.';

const maxLines = 3;
const maxLineChars = 200;

/** A fingerprint of the group's MEMORY.md: a turn that changes it recorded what it wanted. */
export const memoryFingerprint = (groupDir: string) => crypto.createHash('sha256').update(readMemoryText(groupDir)).digest('hex');

const normalise = (line: string) => line.replace(/^\s*[-*•]\s*/, '').replace(/\s+/g, ' ').replace(/[.!]+$/, '').trim().toLowerCase();

/** The bullet lines of the model's answer that memory does not hold yet (none for NOTHING). */
export function newMemoryLines(answer: string, memory: string): string[] {
	const text = cleanModelText(answer);
	if (/^nothing\b/i.test(text)) return [];
	const known = new Set(memory.split('\n').map(normalise).filter(Boolean));
	const lines: string[] = [];
	for (const raw of text.split('\n')) {
		const match = /^\s*[-*•]\s+(.+)$/.exec(raw);
		if (!match) continue;
		const line = `- ${match[1].trim().slice(0, maxLineChars)}`;
		const key = normalise(line);
		if (!key || known.has(key)) continue;
		known.add(key);
		lines.push(line);
		if (lines.length >= maxLines) break;
	}
	return lines;
}

export interface LastingFactInput {
	window: ContextWindow;
	/** The turn as it is saved: the user's message, the tool exchange and the answer. */
	turn: ChatMessage[];
	definitions: ToolDefinition[];
	bridge: LlmBridge;
	groupDir: string;
}

/** Asks the model once and appends what it names; returns the lines written (for the log). */
export async function recordLastingFacts(input: LastingFactInput): Promise<string[]> {
	let answer: string;
	try {
		const reply = await askModel(input.window, [...input.turn, {role: 'user', content: lastingFactRequest}], input.definitions, input.bridge, () => {});
		answer = reply.toolCalls.length ? '' : reply.content;
	} catch (error) {
		if (error instanceof LlmError || error instanceof ContextTooSmall) return [];
		throw error;
	}
	const existing = readMemoryText(input.groupDir);
	const lines = newMemoryLines(answer, existing);
	if (lines.length === 0) return [];
	const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
	appendOwnFile(memoryFile(input.groupDir), `${separator}${lines.join('\n')}\n`);
	return lines;
}
