// Memory compaction before a run's first turn. The host found a memory file over its budget (its
// share of the model's context) and kept the old text where no sandbox can reach it; here one
// bounded model request rewrites the file shorter, keeping every lasting fact, and the rewrite
// replaces it. A file too long for one request has its start rewritten and the rest kept as it is
// (the next run goes on). A rewrite that is empty, cut at the answer limit or no shorter is not used.
import {writeFileAtomic} from './atomic-file.js';
import type {MessageWriter} from './json-lines.js';
import {LlmError, type LlmBridge} from './llm-bridge.js';
import {cleanModelText, memoryFile, readMemoryText} from './memory-text.js';
import type {ChatMessage, ContextBudget, StartMessage} from './protocol.js';
import {errorMessage} from './text.js';
import {estimateRequest, fitLimit, memoryCharsPerFile} from './token-budget.js';

export const compactionSystemPrompt =
	"You keep an assistant's memory file short. You rewrite the file you are given so it is much shorter and keeps every lasting fact: " +
	'who the people are, their preferences, decisions, standing instructions, open tasks and dates that still matter. Merge duplicates, drop ' +
	'what is outdated or only about one past conversation, keep Markdown headings and bullet points. Answer with the new file only.';

export const compactionRequest = (text: string, targetChars: number): ChatMessage[] => [
	{role: 'system', content: compactionSystemPrompt},
	{role: 'user', content: `Rewrite this memory file in at most ${targetChars} characters.\n\n<memory_file>\n${text}\n</memory_file>`},
];

/** What the rewrite aims for: half the file's budget, and no more than the answer reserve can hold. */
export function compactionTarget(budget: ContextBudget): number {
	const answerChars = Math.floor(budget.reserveTokens * budget.charsPerToken * 0.7);
	return Math.max(500, Math.min(Math.floor(memoryCharsPerFile(budget) / 2), answerChars));
}

/** The start of `text` that one request can hold (cut at a line end), and the rest. */
export function splitForCompaction(text: string, budget: ContextBudget): {head: string; tail: string} {
	const fixed = estimateRequest(compactionRequest('', compactionTarget(budget)), [], budget.charsPerToken);
	const room = Math.floor((fitLimit(budget) - fixed) * budget.charsPerToken * 0.9);
	if (text.length <= room) return {head: text, tail: ''};
	const cut = text.lastIndexOf('\n', room);
	const at = cut > room / 2 ? cut : room;
	return {head: text.slice(0, at), tail: text.slice(at).replace(/^\n+/, '')};
}

export interface CompactionInput {
	start: StartMessage;
	budget: ContextBudget;
	bridge: LlmBridge;
	writer: MessageWriter;
}

/** Rewrites each memory file the host asked for; failures are logged and the file stays as it was. */
export async function compactMemoryFiles({start, budget, bridge, writer}: CompactionInput): Promise<void> {
	for (const which of new Set(start.memory?.compact ?? [])) {
		const dir = which === 'global' ? start.paths.global : start.paths.group;
		if (which !== 'global' && which !== 'group') continue;
		if (start.paths.readOnly.includes(dir)) continue;
		try {
			const outcome = await compactOne(dir, budget, bridge);
			writer.log(outcome.startsWith('compacted') ? 'info' : 'warn', `memory ${memoryFile(dir)}: ${outcome}`);
		} catch (error) {
			writer.log('warn', `memory ${memoryFile(dir)} was not compacted: ${errorMessage(error)}`);
		}
	}
}

async function compactOne(dir: string, budget: ContextBudget, bridge: LlmBridge): Promise<string> {
	const text = readMemoryText(dir).trim();
	if (text.length <= compactionTarget(budget)) return `not compacted: it is already short (${text.length} characters)`;
	const {head, tail} = splitForCompaction(text, budget);
	let reply;
	try {
		reply = await bridge.request(compactionRequest(head, compactionTarget(budget)), [], () => {});
	} catch (error) {
		if (error instanceof LlmError) return `not compacted: the model could not answer (${error.message})`;
		throw error;
	}
	const rewrite = cleanModelText(reply.content);
	if (reply.cut || reply.cutAtReserve) return 'not compacted: the rewrite was cut at the answer limit';
	if (!rewrite) return 'not compacted: the rewrite was empty';
	if (rewrite.length >= head.length) return `not compacted: the rewrite (${rewrite.length} characters) was no shorter`;
	const next = tail ? `${rewrite}\n\n${tail}` : rewrite;
	await writeFileAtomic(memoryFile(dir), `${next}\n`);
	return `compacted from ${text.length} to ${next.length} characters (the host kept the old text)`;
}
