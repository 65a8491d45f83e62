// What a batch of chat messages turns into: a host command answered without the model,
// a session command for the agent, skills loaded for this turn, or a plain prompt.
import type {SkillView} from '../api/host-api.js';
import type {TurnInput} from '../../container/agent-runner/src/protocol.js';
import type {StoredMessage} from '../api/types.js';
import {parseHostCommand, parseSkillInvocations} from './invocation.js';
import {skillBody} from './skill-loader.js';

/** What a batch of messages turns into before the model sees it. */
export type TurnPlan = {reply: string} | {skills?: TurnInput['skills']; command?: TurnInput['command']};

export interface PlanSkillTurnInput {
	messages: Array<Pick<StoredMessage, 'content' | 'isBotMessage'>>;
	skills: SkillView[];
	/** The group's trigger (`@Baby`), stripped before a host command. */
	trigger: string;
	assistantName: string;
}

export function skillsReply(skills: SkillView[]): string {
	if (skills.length === 0) return 'No skills are installed.';
	const lines = skills.map((skill) => (skill.broken ? `• /${skill.name} (broken: ${skill.broken})` : `• /${skill.name}: ${skill.description}`));
	return `Skills (type /name and what you want):\n${lines.join('\n')}`;
}

export function helpReply(assistantName: string): string {
	return [
		`${assistantName} answers your messages. Commands:`,
		'• /skills: list the skills',
		'• /name [what you want]: use the skill "name" for this message',
		'• /compact: shorten the conversation to a summary',
		'• /clear: save the key points to memory and start a fresh conversation',
		'• /help: this list',
	].join('\n');
}

/** The plan for one batch; a host command counts only when it is the batch's only message. */
export function planSkillTurn(input: PlanSkillTurnInput): TurnPlan {
	const humans = input.messages.filter((m) => !m.isBotMessage);
	if (humans.length === 1) {
		const command = parseHostCommand(humans[0].content, input.trigger);
		if (command === 'skills') return {reply: skillsReply(input.skills)};
		if (command === 'help') return {reply: helpReply(input.assistantName)};
		if (command === 'clear' || command === 'compact') return {command};
	}
	const usable = input.skills.filter((skill) => !skill.broken);
	const invoked: NonNullable<Extract<TurnPlan, {skills?: unknown}>['skills']> = [];
	for (const message of humans) {
		for (const {name, args} of parseSkillInvocations(message.content, usable.map((s) => s.name))) {
			if (invoked.some((s) => s.name === name)) continue;
			try {
				invoked.push({name, args, body: skillBody(usable.find((s) => s.name === name)!)});
			} catch {
				// Changed or removed since the list was read: the message goes on as plain text.
			}
		}
	}
	return invoked.length ? {skills: invoked} : {};
}
