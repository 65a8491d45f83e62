// The system prompt, rebuilt every turn so memory edits apply at once. Nothing in it changes from
// turn to turn (no time, no run id, no per-turn skill): Ollama reuses its prompt cache only up to
// the first difference, and the system prompt and the tools come first.
import path from 'node:path';
import {memoryFile} from './memory-text.js';
import {readOwnFile} from './own-files.js';
import type {StartMessage, TurnInput} from './protocol.js';
import {readSkillCatalogue} from './skills.js';
import type {Tool} from './tools/tool.js';

function readMemory(dir: string, maxChars: number): string | undefined {
	const file = memoryFile(dir);
	// A character is at most 4 bytes: this many hold maxChars of any text.
	const bound = maxChars * 4;
	const read = readOwnFile(file, bound);
	const text = read?.text.trim();
	if (!read || !text) return undefined;
	if (text.length <= maxChars && read.size <= bound) return text;
	const shown = text.slice(0, maxChars);
	return `${shown}\n[memory cut to fit the model's context: ${read.size - Buffer.byteLength(shown)} more bytes not shown; read the whole file with read_file {"path": "${file}"}]`;
}

export interface SystemPromptInput {
	start: StartMessage;
	tools: Map<string, Tool>;
	summary?: string;
	/** Each memory file's share of the model's context, in characters. */
	memoryChars: number;
	/** For a sub-agent: its answer goes to the agent that delegated, and its tools come last (siblings share the rest as a prompt prefix). */
	subagent?: boolean;
}

export function buildSystemPrompt({start, tools, summary, memoryChars, subagent}: SystemPromptInput): string {
	const {group, paths} = start;
	const sections: string[] = [];
	sections.push(
		[
			`You are ${start.assistantName}, a personal assistant answering in the chat "${group.name}" (group folder "${group.folder}"${group.isMain ? ', the main group: you may message any chat, manage any task and register groups' : ''}).`,
			`Your working folder is ${paths.group}. Shared memory is in ${paths.global}${paths.readOnly.includes(paths.global) ? ' (read-only for you)' : ''}. Skills are in ${paths.skills}.${paths.project ? ` The project is at ${paths.project} (read-only).` : ''}`,
		].join('\n'),
	);
	sections.push(
		[
			'## Rules',
			subagent
				? '- You are a sub-agent: the main agent gave you one task. Do it with your tools, then end with a short, complete answer: it goes back to the main agent, not to the chat.'
				: '- Answer plainly and briefly. Your final text is sent to the chat as your reply.',
			'- Wrap private reasoning and notes in <internal>…</internal>; that text is never shown to anyone.',
			'- Use tools when they help; call one with valid JSON arguments matching its parameters. Do not repeat a call that already gave its answer.',
			`- Keep lasting facts about this chat in ${path.join(paths.group, 'MEMORY.md')} (edit it with your file tools).`,
			subagent ? '- Nobody in the chat sees your text: only the main agent reads your final answer.' : '- The user sees only your final answer and what you send with send_message.',
		].join('\n'),
	);
	const toolList = ['## Tools', ...[...tools.values()].map((tool) => `- ${tool.name}: ${tool.description}`)].join('\n');
	if (!subagent) sections.push(toolList);
	const groupMemory = readMemory(paths.group, memoryChars);
	sections.push(`## Memory of this chat (MEMORY.md)\n${groupMemory ?? '(empty)'}`);
	const globalMemory = readMemory(paths.global, memoryChars);
	sections.push(`## Global memory (shared by all chats)\n${globalMemory ?? '(empty)'}`);
	const skills = readSkillCatalogue(paths.skills);
	if (skills.length) {
		sections.push(
			['## Skills (call load_skill with the name to read one when it fits the request)', ...skills.map((s) => `- ${s.name}: ${s.description}`)].join('\n'),
		);
	}
	if (summary) sections.push(`## Summary of the conversation so far\n${summary}`);
	if (subagent) sections.push(toolList);
	return sections.join('\n\n');
}

/** The turn's user message: its prompt, then any skill invoked for it (which stays out of the system prompt). */
export function turnMessage(turn: TurnInput): string {
	const skills = (turn.skills ?? []).map(
		(skill) => `## Skill invoked for this message: ${skill.name}\nArguments: ${skill.args.trim() || '(none)'}\nFollow these instructions for this request:\n\n${skill.body}`,
	);
	return [turn.prompt, ...skills].join('\n\n');
}
