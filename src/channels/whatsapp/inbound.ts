// Pure helpers that turn Baileys' message payloads into the host's InboundMessage.
import type {WAMessage} from '@whiskeysockets/baileys';
import type {InboundMessage} from '../../api/types.js';

type MessageContent = NonNullable<WAMessage['message']>;

/** `123:4@s.whatsapp.net` → `123@s.whatsapp.net` (device and agent parts dropped). */
export function bareJid(jid: string): string {
	const at = jid.indexOf('@');
	if (at < 0) return jid;
	const user = jid.slice(0, at).split(':')[0].split('_')[0];
	return `${user}@${jid.slice(at + 1)}`;
}

export const isLidJid = (jid: string) => jid.endsWith('@lid') || jid.endsWith('@hosted.lid');
export const isPhoneJid = (jid: string) => jid.endsWith('@s.whatsapp.net') || jid.endsWith('@hosted');
export const isGroupJid = (jid: string) => jid.endsWith('@g.us');
/** Any chat WhatsApp can deliver to: a phone, a LID or a group. */
export const isWhatsAppJid = (jid: string) => isPhoneJid(jid) || isGroupJid(jid) || isLidJid(jid);

/** Status updates, broadcast lists and channels are never conversations with the assistant. */
export function isIgnoredChat(jid: string): boolean {
	return jid === 'status@broadcast' || jid.endsWith('@broadcast') || jid.endsWith('@newsletter');
}

/** The text of a message: plain, extended, or an image/video/document caption; null when none. */
export function messageText(message: MessageContent | null | undefined): string | null {
	const inner = unwrap(message);
	if (!inner) return null;
	const text =
		inner.conversation ??
		inner.extendedTextMessage?.text ??
		inner.imageMessage?.caption ??
		inner.videoMessage?.caption ??
		inner.documentMessage?.caption ??
		null;
	return text && text.trim() !== '' ? text : null;
}

// Disappearing, view-once and captioned-document messages wrap the real content one level down.
function unwrap(message: MessageContent | null | undefined): MessageContent | null | undefined {
	let current = message;
	for (let depth = 0; current && depth < 4; depth++) {
		const next =
			current.ephemeralMessage?.message ??
			current.viewOnceMessage?.message ??
			current.viewOnceMessageV2?.message ??
			current.viewOnceMessageV2Extension?.message ??
			current.documentWithCaptionMessage?.message;
		if (!next) return current;
		current = next;
	}
	return current;
}

/** Seconds since the epoch (a number or a protobuf Long) as ISO 8601; `fallbackMs` when absent. */
export function messageTimestamp(value: WAMessage['messageTimestamp'], fallbackMs: number): string {
	let seconds: number;
	if (typeof value === 'number') seconds = value;
	else if (value && typeof value === 'object' && 'toNumber' in value) seconds = value.toNumber();
	else seconds = Number(value);
	return new Date(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : fallbackMs).toISOString();
}

export interface InboundContext {
	/** The chat, already mapped from a LID to the phone JID where known. */
	chatJid: string;
	/** Who wrote it, mapped likewise. */
	senderJid: string;
	/** The operator's own name, for their messages that carry no push name. */
	selfName?: string;
	nowMs: number;
}

/** The host's message for a Baileys message, or null when it carries no text. */
export function toInboundMessage(message: WAMessage, context: InboundContext): InboundMessage | null {
	const id = message.key.id;
	const content = messageText(message.message);
	if (!id || content === null) return null;
	const fromMe = Boolean(message.key.fromMe);
	const fallbackName = context.senderJid.split('@')[0];
	return {
		id,
		chatJid: context.chatJid,
		sender: context.senderJid,
		senderName: message.pushName || (fromMe ? context.selfName : undefined) || fallbackName,
		content,
		timestamp: messageTimestamp(message.messageTimestamp, context.nowMs),
		fromMe,
		isBotMessage: false,
	};
}
