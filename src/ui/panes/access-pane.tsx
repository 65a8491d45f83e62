import {Box, Text} from 'ink';
import {Table, type Column} from '../components/table.js';
import type {PaneProps} from './pane-props.js';
import {accessCells, accessRows, type AccessRow} from './rows.js';

const columns: Column<AccessRow>[] = [
	{header: 'KIND', width: 9, cell: (row) => accessCells(row).kind},
	{header: 'WHAT', width: 24, flex: true, cell: (row) => accessCells(row).what},
	{header: 'ACCESS', width: 8, cell: (row) => accessCells(row).access},
	{header: 'GROUP / NOTE', width: 36, cell: (row) => accessCells(row).note},
];

/** Mounts and web hosts side by side in one list: what waits for the operator first, then what is allowed. */
export function AccessPane({snapshot, filter, cursor, width, height}: PaneProps) {
	const {mounts} = snapshot;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate" color={mounts.allowlistError ? 'red' : undefined}>
				{mounts.allowlistError ? `allowlist ${mounts.allowlistPath}: ${mounts.allowlistError}` : `allowlist ${mounts.allowlistPath}`}
				{mounts.nonMainReadOnly ? ' · non-main groups read-only' : ''}
				{" · agents' mount requests wait for you unless autoApprove is set"}
			</Text>
			<Table
				columns={columns}
				rows={accessRows(snapshot, filter)}
				cursor={cursor}
				width={width}
				height={height - 1}
				rowColor={(row) => (row.kind === 'request' || row.kind === 'hostRequest' ? 'yellow' : row.kind === 'blocked' ? 'gray' : undefined)}
				empty="no allowed roots, blocked patterns, web hosts or requests"
			/>
		</Box>
	);
}
