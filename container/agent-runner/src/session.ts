// The group's conversation, kept in <session>/transcript.json between runs.
import fs from 'node:fs';
import path from 'node:path';
import {writeFileAtomic} from './atomic-file.js';
import {readOwnFile} from './own-files.js';
import type {ChatMessage} from './protocol.js';
import {errorMessage} from './text.js';

export interface Transcript {
	/** A model-written summary of what came before `messages` (from `/compact`). */
	summary?: string;
	messages: ChatMessage[];
	/** Turns dropped from the front to fit the model's context (the model is told how many). */
	dropped?: number;
}

export interface TrimBounds {
	maxMessages: number;
	maxChars: number;
}

/** A bound on the saved file only: the context budget drops history long before it (in large steps). */
export const defaultTrimBounds: TrimBounds = {maxMessages: 1000, maxChars: 1_000_000};

/** The largest transcript file read back (the saved one stays far below it). */
const maxTranscriptBytes = 16 * 1024 * 1024;

const messageSize = (m: ChatMessage) => m.content.length + (m.tool_calls ? JSON.stringify(m.tool_calls).length : 0);

/**
 * The longest tail of the transcript that fits the bounds and starts at a user message, so a tool
 * message never loses the assistant message that called it. When even the last turn is too big,
 * that turn is kept without its tool exchange (its prompt and final answer, cut to fit).
 */
export function trimTranscript(messages: ChatMessage[], bounds: TrimBounds = defaultTrimBounds): ChatMessage[] {
	const userStarts = messages.flatMap((m, index) => (m.role === 'user' ? [index] : []));
	let suffixChars = 0;
	const suffixFrom: number[] = new Array(messages.length + 1).fill(0);
	for (let index = messages.length - 1; index >= 0; index--) {
		suffixChars += messageSize(messages[index]);
		suffixFrom[index] = suffixChars;
	}
	for (const start of userStarts) {
		if (messages.length - start <= bounds.maxMessages && suffixFrom[start] <= bounds.maxChars) return messages.slice(start);
	}
	const lastStart = userStarts.at(-1);
	if (lastStart === undefined) return [];
	const turn = messages.slice(lastStart);
	const answer = turn.filter((m) => m.role === 'assistant' && !m.tool_calls?.length).at(-1);
	const kept = answer ? [turn[0], answer] : [turn[0]];
	const share = Math.floor(bounds.maxChars / kept.length);
	return kept.slice(0, bounds.maxMessages).map((m) => (m.content.length > share ? {role: m.role, content: m.content.slice(0, share)} : {role: m.role, content: m.content}));
}

function isChatMessage(value: unknown): value is ChatMessage {
	if (!value || typeof value !== 'object') return false;
	const m = value as ChatMessage;
	return ['user', 'assistant', 'tool'].includes(m.role) && typeof m.content === 'string';
}

export class SessionStore {
	readonly file: string;

	constructor(sessionDir: string) {
		this.file = path.join(sessionDir, 'transcript.json');
	}

	/** The saved transcript; a damaged file is moved aside (never deleted) and a fresh one starts. */
	load(): {transcript: Transcript; warning?: string} {
		// Missing, or not a regular file (a FIFO would hold the agent): a fresh session, whose save replaces it.
		const read = readOwnFile(this.file, maxTranscriptBytes);
		if (!read) return {transcript: {messages: []}};
		try {
			if (read.size > maxTranscriptBytes) throw new Error(`it is larger than ${maxTranscriptBytes} bytes`);
			const parsed = JSON.parse(read.text) as {summary?: unknown; messages?: unknown; dropped?: unknown};
			if (!Array.isArray(parsed.messages) || !parsed.messages.every(isChatMessage)) throw new Error('unexpected shape');
			const dropped = Number.isInteger(parsed.dropped) && (parsed.dropped as number) > 0 ? (parsed.dropped as number) : undefined;
			return {transcript: {summary: typeof parsed.summary === 'string' ? parsed.summary : undefined, messages: parsed.messages, dropped}};
		} catch (error) {
			const aside = `${this.file}.damaged-${Date.now()}`;
			fs.renameSync(this.file, aside);
			return {transcript: {messages: []}, warning: `the session transcript could not be read (${errorMessage(error)}); it was moved to ${aside} and a new session started`};
		}
	}

	async save(transcript: Transcript, bounds: TrimBounds = defaultTrimBounds): Promise<void> {
		const messages = trimTranscript(transcript.messages, bounds);
		await writeFileAtomic(this.file, JSON.stringify({version: 1, summary: transcript.summary, dropped: transcript.dropped, messages}, null, '\t'));
	}
}
