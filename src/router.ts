import type {RegisteredGroup, StoredMessage} from './types.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `^@Name\b`, case-insensitive. */
export function triggerPattern(trigger: string): RegExp {
	return new RegExp(`^\\s*${escapeRegExp(trigger)}(?![\\p{L}\\p{N}_])`, 'iu');
}

/**
 * The trigger a chat's messages wait for, or null when every message is answered: main, a group
 * that answers everything, and the operator's local chat of any group.
 */
export function chatTrigger(group: Pick<RegisteredGroup, 'isMain' | 'requiresTrigger' | 'trigger'>, chatJid: string): RegExp | null {
	if (group.isMain || !group.requiresTrigger || chatJid.startsWith('local:')) return null;
	return triggerPattern(group.trigger);
}

/** Most messages one turn's prompt carries. */
export const batchWindow = 500;

/**
 * The turn a chat's pending messages (oldest first, the bot's own left out) make, or null. Without
 * a trigger to wait for: the oldest `window`. With one: the first triggered message, with up to
 * `window - 1` messages before it as context and the rest of the window after it; none before a
 * trigger. (Chatter older than the latest window is carried by no prompt: the host passes it.)
 */
export function planBatch(pending: StoredMessage[], trigger: RegExp | null, window = batchWindow): StoredMessage[] | null {
	if (pending.length === 0) return null;
	if (!trigger) return pending.slice(0, window);
	const first = pending.findIndex((message) => trigger.test(message.content));
	if (first === -1) return null;
	const start = Math.max(0, first - (window - 1));
	return pending.slice(start, start + window);
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
