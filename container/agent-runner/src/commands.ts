// Host commands on the session: `/compact` (summary becomes the session start) and `/clear` (summary into memory).
import {ContextTooSmall, type ContextWindow} from './context-window.js';
import {LlmError, type LlmBridge} from './llm-bridge.js';
import {memoryFile, readMemoryText} from './memory-text.js';
import {appendOwnFile} from './own-files.js';
import type {ToolDefinition} from './protocol.js';
import type {Transcript} from './session.js';
import {askModel} from './tool-loop.js';

export interface CommandInput {
	command: 'clear' | 'compact';
	transcript: Transcript;
	/** The same window and tools as a turn's, so the request shares their prompt prefix (the tools are not run). */
	window: ContextWindow;
	definitions: ToolDefinition[];
	groupDir: string;
	bridge: LlmBridge;
	now: () => Date;
}

export type CommandResult = {ok: true; transcript: Transcript; reply: string} | {ok: false; error: string};

const compactRequest =
	'Summarise our conversation so far for your own future reference: the facts, decisions, open tasks and preferences that matter. Plain text, at most 300 words. This summary will replace the conversation.';
const clearRequest =
	'The conversation is about to be cleared. Write the notes from it worth keeping in long-term memory: facts about the user, decisions, preferences, open tasks. Short Markdown bullet points, nothing else. If nothing is worth keeping, answer exactly NOTHING.';

const stripInternal = (text: string) => text.replace(/<internal>[\s\S]*?(<\/internal>|$)/g, '').trim();

async function ask(input: CommandInput, request: string): Promise<{ok: true; text: string} | {ok: false; error: string}> {
	try {
		const reply = await askModel(input.window, [{role: 'user', content: request}], input.definitions, input.bridge, () => {});
		return {ok: true, text: stripInternal(reply.content)};
	} catch (error) {
		if (error instanceof LlmError || error instanceof ContextTooSmall) {
			return {ok: false, error: `the model could not summarise the conversation: ${error.message}; the session was left as it was`};
		}
		throw error;
	}
}

const isEmpty = (transcript: Transcript) => transcript.messages.length === 0 && !transcript.summary;

export async function runSessionCommand(input: CommandInput): Promise<CommandResult> {
	if (input.command === 'compact') {
		if (isEmpty(input.transcript)) return {ok: true, transcript: input.transcript, reply: 'Nothing to compact yet: the conversation is empty.'};
		const summary = await ask(input, compactRequest);
		if (!summary.ok) return summary;
		if (!summary.text) return {ok: false, error: 'the model returned an empty summary; the session was left as it was'};
		return {ok: true, transcript: {summary: summary.text, messages: []}, reply: 'Conversation compacted: I kept a summary and dropped the old messages.'};
	}
	if (isEmpty(input.transcript)) return {ok: true, transcript: {messages: []}, reply: 'Cleared: started a fresh conversation (there was nothing to save).'};
	const notes = await ask(input, clearRequest);
	if (!notes.ok) return notes;
	if (notes.text && notes.text !== 'NOTHING') {
		const file = memoryFile(input.groupDir);
		const heading = `## Session notes ${input.now().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
		const existing = readMemoryText(input.groupDir);
		const separator = existing === '' || existing.endsWith('\n\n') ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
		appendOwnFile(file, `${separator}${heading}\n\n${notes.text}\n`);
		return {ok: true, transcript: {messages: []}, reply: 'Cleared: I saved the key points to memory and started a fresh conversation.'};
	}
	return {ok: true, transcript: {messages: []}, reply: 'Cleared: started a fresh conversation (nothing was worth saving to memory).'};
}
