// The system prompt, rebuilt every turn so memory and skill edits apply at once.
import fs from 'node:fs';
import path from 'node:path';
import type {StartMessage, TurnInput} from './protocol.js';
import {readSkillCatalogue} from './skills.js';
import {cutText} from './text.js';
import type {Tool} from './tools/tool.js';

const maxMemoryChars = 20_000;

function readMemory(dir: string): string | undefined {
	try {
		const text = fs.readFileSync(path.join(dir, 'MEMORY.md'), 'utf8').trim();
		return text ? cutText(text, maxMemoryChars, 'memory') : undefined;
	} catch {
		return undefined;
	}
}

export interface SystemPromptInput {
	start: StartMessage;
	tools: Map<string, Tool>;
	turn: TurnInput;
	summary?: string;
}

export function buildSystemPrompt({start, tools, turn, summary}: SystemPromptInput): string {
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
			'- Answer plainly and briefly. Your final text is sent to the chat as your reply.',
			'- Wrap private reasoning and notes in <internal>…</internal>; that text is never shown to anyone.',
			'- Use tools when they help; call one with valid JSON arguments matching its parameters. Do not repeat a call that already gave its answer.',
			`- Keep lasting facts about this chat in ${path.join(paths.group, 'MEMORY.md')} (edit it with your file tools).`,
			'- The user sees only your final answer and what you send with send_message.',
		].join('\n'),
	);
	sections.push(['## Tools', ...[...tools.values()].map((tool) => `- ${tool.name}: ${tool.description}`)].join('\n'));
	const groupMemory = readMemory(paths.group);
	sections.push(`## Memory of this chat (MEMORY.md)\n${groupMemory ?? '(empty)'}`);
	const globalMemory = readMemory(paths.global);
	sections.push(`## Global memory (shared by all chats)\n${globalMemory ?? '(empty)'}`);
	const skills = readSkillCatalogue(paths.skills);
	if (skills.length) {
		sections.push(
			['## Skills (call load_skill with the name to read one when it fits the request)', ...skills.map((s) => `- ${s.name}: ${s.description}`)].join('\n'),
		);
	}
	if (summary) sections.push(`## Summary of the conversation so far\n${summary}`);
	for (const skill of turn.skills ?? []) {
		sections.push(
			`## Skill invoked for this message: ${skill.name}\nArguments: ${skill.args.trim() || '(none)'}\nFollow these instructions for this request:\n\n${skill.body}`,
		);
	}
	return sections.join('\n\n');
}
