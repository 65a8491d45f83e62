import {Box, Text} from 'ink';
import type {Conversation} from '../hooks/use-conversations.js';
import {keyHint} from '../keymap.js';

/** `text` cut into lines of at most `width` characters (hard wrap, newlines kept). */
export function wrapText(text: string, width: number): string[] {
	const out: string[] = [];
	for (const paragraph of text.split('\n')) {
		const chars = Array.from(paragraph);
		if (chars.length === 0) out.push('');
		for (let i = 0; i < chars.length; i += Math.max(1, width)) out.push(chars.slice(i, i + Math.max(1, width)).join(''));
	}
	return out;
}

interface ChatLine {
	text: string;
	color?: string;
}

export function ChatOverlay(props: {groupFolder: string; assistantName: string; conversation: Conversation; value: string; width: number; height: number}) {
	const {groupFolder, assistantName, conversation, value, width, height} = props;
	const inner = Math.max(10, width - 4);
	const lines: ChatLine[] = [];
	for (const entry of conversation.entries) {
		const who = entry.from === 'operator' ? 'You' : entry.from === 'assistant' ? (entry.name === 'error' ? 'error' : assistantName) : entry.name;
		const color = entry.error ? 'red' : entry.from === 'assistant' ? 'green' : entry.from === 'operator' ? 'cyan' : undefined;
		for (const text of wrapText(`${who}: ${entry.text}`, inner)) lines.push({text, color});
	}
	if (conversation.streaming) for (const text of wrapText(`${assistantName}: ${conversation.streaming}…`, inner)) lines.push({text, color: 'greenBright'});
	const bodyHeight = Math.max(1, height - 4);
	const visible = lines.slice(-bodyHeight);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="green" width={width} height={height} paddingX={1}>
			<Text bold wrap="truncate">
				{`Chat with ${groupFolder} (${keyHint('text.submit', 'send')} · ${keyHint('text.cancel', 'close')})`}
			</Text>
			<Box flexDirection="column" height={bodyHeight}>
				{visible.length === 0 ? <Text dimColor>no messages yet: type one below</Text> : null}
				{visible.map((line, index) => (
					<Text key={index} color={line.color} wrap="truncate">
						{line.text}
					</Text>
				))}
			</Box>
			<Text wrap="truncate" color="cyan">{`> ${value}█`}</Text>
		</Box>
	);
}
