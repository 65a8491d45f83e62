import type {RegisteredGroup, StoredMessage} from './api/types.js';

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

/** How much one turn's messages may take: a count, and characters of the prompt they make. */
export interface BatchLimits {
	messages: number;
	chars: number;
}

const unlimitedChars: BatchLimits = {messages: batchWindow, chars: Number.POSITIVE_INFINITY};

/**
 * The turn a chat's pending messages (oldest first, the bot's own left out) make, or null. Without
 * a trigger to wait for: the oldest messages that fit the limits. With one: the first triggered
 * message, with as much of the chatter just before it as fits, then what followed it while that
 * fits too; none before a trigger. A batch always holds at least its first (or triggered) message.
 * (Chatter older than the latest window is carried by no prompt: the host passes it.)
 */
export function planBatch(pending: StoredMessage[], trigger: RegExp | null, limits: BatchLimits = unlimitedChars): StoredMessage[] | null {
	if (pending.length === 0) return null;
	const first = trigger ? pending.findIndex((message) => trigger.test(message.content)) : 0;
	if (first === -1) return null;
	let start = first;
	let end = first + 1;
	let chars = messageChars(pending[first]!);
	const fits = (message: StoredMessage) => end - start < limits.messages && chars + messageChars(message) <= limits.chars;
	while (start > 0 && fits(pending[start - 1]!)) chars += messageChars(pending[--start]!);
	while (end < pending.length && fits(pending[end]!)) chars += messageChars(pending[end++]!);
	return pending.slice(start, end);
}

export function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

type PromptMessage = Pick<StoredMessage, 'senderName' | 'timestamp' | 'content'>;

const formatMessage = (m: PromptMessage) => `<message sender="${escapeXml(m.senderName)}" time="${escapeXml(m.timestamp)}">${escapeXml(m.content)}</message>`;

/** What one message adds to a turn's prompt, in characters. */
export const messageChars = (m: PromptMessage): number => formatMessage(m).length + 1;

/** The prompt for a batch of messages: each one an XML element, contents escaped. */
export function formatMessages(messages: PromptMessage[]): string {
	return `<messages>\n${messages.map(formatMessage).join('\n')}\n</messages>`;
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
