import {Box, Text} from 'ink';
import {memo} from 'react';
import type {LogLine} from '../../api/types.js';
import {fit} from '../format.js';
import {keyHint} from '../keymap.js';
import type {LogFilter, LogView} from '../log-view.js';

export interface LogsPaneProps {
	view: LogView;
	/** Changes when lines arrive, so the memoized pane draws again. */
	version: number;
	/** Index of the first line shown. */
	top: number;
	follow: boolean;
	/** Lines that arrived while paused. */
	newLines: number;
	filter: LogFilter;
	width: number;
	height: number;
}

const levelColors: Record<LogLine['level'], string | undefined> = {
	trace: 'gray',
	debug: 'gray',
	info: undefined,
	warn: 'yellow',
	error: 'red',
	fatal: 'red',
};

export function formatLogLine(line: LogLine, width: number): string {
	const time = new Date(line.time).toISOString().slice(11, 23);
	return fit(`${time} ${line.level.toUpperCase().padEnd(5)} ${line.msg}${line.fields ? ` ${line.fields}` : ''}`, width);
}

/** Draws only the lines in view, whatever the size of the ring. */
export const LogsPane = memo(function LogsPane({view, top, follow, newLines, filter, width, height}: LogsPaneProps) {
	const bodyHeight = Math.max(1, height - 1);
	const lines = view.slice(top, top + bodyHeight);
	const follows = keyHint('logs.follow', 'to follow');
	const state = follow ? 'following' : newLines > 0 ? `paused · ${newLines} new lines (${follows})` : `paused (${follows})`;
	const filters = [filter.minLevel !== 'trace' ? `level ≥ ${filter.minLevel}` : '', filter.text ? `"${filter.text}"` : ''].filter(Boolean).join(' ');
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold wrap="truncate">
				{fit(`LOG ${view.size} lines · ${state}${filters ? ` · filter ${filters}` : ''}`, width)}
			</Text>
			{lines.length === 0 ? <Text dimColor>no log lines{filters ? ' match the filter' : ''}</Text> : null}
			{lines.map((line) => (
				<Text key={line.seq} color={levelColors[line.level]} wrap="truncate">
					{formatLogLine(line, width)}
				</Text>
			))}
		</Box>
	);
});
