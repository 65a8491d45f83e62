import {Box, Text} from 'ink';
import {Table, type Column} from '../components/table.js';
import type {PaneProps} from './pane-props.js';
import {accessRows, type AccessRow} from './rows.js';

const kindOf = (row: AccessRow): string => (row.kind === 'request' || row.kind === 'hostRequest' ? 'PENDING' : row.kind);

function whatOf(row: AccessRow): string {
	switch (row.kind) {
		case 'request':
			return row.request.hostPath;
		case 'root':
			return row.root.path;
		case 'blocked':
			return row.pattern;
		case 'hostRequest':
			return row.request.url;
		case 'host':
			return row.host.host;
		case 'internal':
			return row.host;
	}
}

function accessOf(row: AccessRow): string {
	switch (row.kind) {
		case 'request':
			return row.request.readonly ? 'ro' : 'rw';
		case 'root':
			return row.root.allowReadWrite ? 'rw' : 'ro';
		case 'blocked':
			return '-';
		case 'hostRequest':
			return row.request.url.startsWith('http:') ? 'http' : 'https';
		case 'host':
			return row.host.http ? 'http(s)' : 'https';
		case 'internal':
			return 'web';
	}
}

function noteOf(row: AccessRow): string {
	switch (row.kind) {
		case 'request':
			return `${row.request.groupFolder}${row.request.reason ? `: ${row.request.reason}` : ''}`;
		case 'root':
			return row.root.description ?? '';
		case 'blocked':
			return '';
		case 'hostRequest':
			return `${row.request.groupFolder}: web_fetch of ${row.request.host}`;
		case 'host':
			return [row.host.group ?? 'all groups', ...(row.host.internal ? ['internal'] : []), ...(row.host.description ? [row.host.description] : [])].join(' · ');
		case 'internal':
			return 'may be private; no group allowed yet';
	}
}

const columns: Column<AccessRow>[] = [
	{header: 'KIND', width: 9, cell: kindOf},
	{header: 'WHAT', width: 24, flex: true, cell: whatOf},
	{header: 'ACCESS', width: 8, cell: accessOf},
	{header: 'GROUP / NOTE', width: 36, cell: noteOf},
];

/** Mounts and web hosts side by side in one list: what waits for the operator first, then what is allowed. */
export function AccessPane({snapshot, filter, cursor, width, height}: PaneProps) {
	const {mounts} = snapshot;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate" color={mounts.allowlistError ? 'red' : undefined}>
				{mounts.allowlistError ? `allowlist ${mounts.allowlistPath}: ${mounts.allowlistError}` : `allowlist ${mounts.allowlistPath}`}
				{mounts.nonMainReadOnly ? ' · non-main groups read-only' : ''}
			</Text>
			<Table
				columns={columns}
				rows={accessRows(snapshot, filter)}
				cursor={cursor}
				width={width}
				height={height - 1}
				rowColor={(row) => (kindOf(row) === 'PENDING' ? 'yellow' : row.kind === 'blocked' ? 'gray' : undefined)}
				empty="no allowed roots, blocked patterns, web hosts or requests"
			/>
		</Box>
	);
}
