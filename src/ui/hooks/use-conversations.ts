import {useEffect, useState} from 'react';
import type {HostApi} from '../../api/host-api.js';

export interface ChatEntry {
	seq: number;
	from: 'operator' | 'assistant' | 'member';
	name: string;
	text: string;
	error?: boolean;
}

export interface Conversation {
	entries: ChatEntry[];
	/** The answer streaming in right now ('' when none). */
	streaming: string;
}

export type Conversations = Record<string, Conversation>;

const keep = 200;
/** What the overlay keeps of one message and of the answer streaming in (the rest is cut; the chat has it all). */
const maxEntryChars = 20_000;
const maxStreamingChars = 8_000;
const empty: Conversation = {entries: [], streaming: ''};

const cut = (text: string) => (text.length > maxEntryChars ? `${text.slice(0, maxEntryChars)}… [cut: ${text.length - maxEntryChars} more characters]` : text);

/** Each group's conversation as seen since the UI started: stored messages, streamed deltas, replies. */
export function useConversations(host: HostApi): Conversations {
	const [conversations, setConversations] = useState<Conversations>({});
	useEffect(() => {
		let localSeq = -1;
		const update = (folder: string, change: (conversation: Conversation) => Conversation) =>
			setConversations((all) => ({...all, [folder]: change(all[folder] ?? empty)}));
		const append = (conversation: Conversation, entry: ChatEntry, endsStream: boolean): Conversation => ({
			entries: [...conversation.entries.slice(-(keep - 1)), {...entry, text: cut(entry.text)}],
			streaming: endsStream ? '' : conversation.streaming,
		});
		const offs = [
			host.events.on('message', ({message, groupFolder}) => {
				if (!groupFolder) return;
				const from = message.isBotMessage ? 'assistant' : message.sender === 'operator' ? 'operator' : 'member';
				update(groupFolder, (conversation) =>
					append(conversation, {seq: message.seq, from, name: message.senderName, text: message.content}, from === 'assistant'),
				);
			}),
			host.events.on('delta', ({groupFolder, text}) =>
				update(groupFolder, (conversation) => ({...conversation, streaming: (conversation.streaming + text).slice(-maxStreamingChars)})),
			),
			host.events.on('reply', ({groupFolder, text, error}) =>
				update(groupFolder, (conversation) => {
					const last = conversation.entries.at(-1);
					if (last?.from === 'assistant' && last.text === cut(text)) {
						return {entries: [...conversation.entries.slice(0, -1), {...last, error}], streaming: ''};
					}
					return append(conversation, {seq: localSeq--, from: 'assistant', name: 'assistant', text, error}, true);
				}),
			),
			host.events.on('turn', ({groupFolder, ok, error}) =>
				update(groupFolder, (conversation) =>
					ok || !error ? {...conversation, streaming: ''} : append(conversation, {seq: localSeq--, from: 'assistant', name: 'error', text: error, error: true}, true),
				),
			),
		];
		return () => offs.forEach((off) => off());
	}, [host]);
	return conversations;
}

export function conversationOf(conversations: Conversations, folder: string): Conversation {
	return conversations[folder] ?? empty;
}
