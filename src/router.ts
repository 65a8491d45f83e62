import type {RegisteredGroup, StoredMessage} from './api/types.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `^@Name\b`, case-insensitive. */
export function triggerPattern(trigger: string): RegExp {
	return new RegExp(`^\\s*${escapeRegExp(trigger)}(?![\\p{L}\\p{N}_])`, 'iu');
}

/** Whether a batch of pending messages should start the agent for this group. */
export function shouldTrigger(group: Pick<RegisteredGroup, 'isMain' | 'requiresTrigger' | 'trigger'>, messages: Array<Pick<StoredMessage, 'content' | 'isBotMessage'>>): boolean {
	const fromPeople = messages.filter((m) => !m.isBotMessage);
	if (fromPeople.length === 0) return false;
	if (group.isMain || !group.requiresTrigger) return true;
	const pattern = triggerPattern(group.trigger);
	return fromPeople.some((m) => pattern.test(m.content));
}

export function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The prompt for a batch of messages: each one an XML element, contents escaped. */
export function formatMessages(messages: Array<Pick<StoredMessage, 'senderName' | 'timestamp' | 'content'>>): string {
	const lines = messages.map(
		(m) => `<message sender="${escapeXml(m.senderName)}" time="${escapeXml(m.timestamp)}">${escapeXml(m.content)}</message>`,
	);
	return `<messages>\n${lines.join('\n')}\n</messages>`;
}

/** Removes `<internal>…</internal>` blocks (the agent's private reasoning) from an answer. */
export function stripInternal(text: string): string {
	return text
		.replace(/<internal>[\s\S]*?<\/internal>/gi, '')
		.replace(/<internal>[\s\S]*$/i, '')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}

/** The prompt of a scheduled task run, marked so the agent knows nobody is waiting in the chat. */
export function formatScheduledPrompt(prompt: string, taskId: string): string {
	return `<scheduled_task id="${escapeXml(taskId)}">\nThis is a scheduled task, not a live message. Do what it says; send a message only if the task calls for it.\n${escapeXml(prompt)}\n</scheduled_task>`;
}
