// What the model reads of a search_history answer. The host imports this file too, to bound the
// hits it sends to the characters the agent asked for.
import type {HistoryHit, HistoryResult} from './protocol.js';

/** `2025-06-01 14:02 UTC` from an ISO time (the text as it is when it is not one). */
export function shortDate(iso: string): string {
	return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
}

export function formatHistoryHit(hit: HistoryHit): string {
	const where = hit.otherChat ? ` · in ${hit.chatName ? `"${hit.chatName}" ${hit.chatJid}` : hit.chatJid} (another chat)` : '';
	return `- ${shortDate(hit.date)} · ${hit.sender}${hit.fromAssistant ? ' (you)' : ''}${where}: ${hit.excerpt}`;
}

export const historyHeader = (query: string, count: number) =>
	count === 0 ? `no stored message matches "${query}"` : `${count} stored message${count === 1 ? '' : 's'} found for "${query}", best match first:`;

export function formatHistoryResult(query: string, result: HistoryResult): string {
	if (result.status !== 'ok') return `${result.status}: ${result.reason}`;
	const notes = result.notes.map((note) => `note: ${note}`);
	const hint = result.hits.length === 0 ? ['Try other or fewer words, or leave out chat_jid and since.'] : [];
	return [historyHeader(query, result.hits.length), ...result.hits.map(formatHistoryHit), ...notes, ...hint].join('\n');
}
