import {Box, Text} from 'ink';
import {Table, type Column} from '../components/table.js';
import type {PaneProps} from './pane-props.js';
import {mountRows, type MountRow} from './rows.js';

const columns: Column<MountRow>[] = [
	{header: 'KIND', width: 9, cell: (row) => (row.kind === 'request' ? 'PENDING' : row.kind === 'root' ? 'root' : 'blocked')},
	{
		header: 'PATH',
		width: 24,
		flex: true,
		cell: (row) => (row.kind === 'request' ? (row.request.realPath ?? `${row.request.hostPath} (unresolved)`) : row.kind === 'root' ? row.root.path : row.pattern),
	},
	{
		header: 'ACCESS',
		width: 8,
		cell: (row) => (row.kind === 'request' ? (row.request.readonly ? 'ro' : 'rw') : row.kind === 'root' ? (row.root.allowReadWrite ? 'rw' : 'ro') : '-'),
	},
	{
		header: 'GROUP / NOTE',
		width: 36,
		cell: (row) =>
			row.kind === 'request'
				? `${row.request.groupFolder}${row.request.reason ? `: ${row.request.reason}` : ''}`
				: row.kind === 'root'
					? [row.root.groups ? `only ${row.root.groups.join(', ')}` : '', row.root.autoApprove ? 'agents: automatic' : '', row.root.description ?? ''].filter(Boolean).join(' · ')
					: '',
	},
];

export function MountsPane({snapshot, filter, cursor, width, height}: PaneProps) {
	const {mounts} = snapshot;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text wrap="truncate" color={mounts.allowlistError ? 'red' : undefined}>
				{mounts.allowlistError ? `allowlist ${mounts.allowlistPath}: ${mounts.allowlistError}` : `allowlist ${mounts.allowlistPath}`}
				{mounts.nonMainReadOnly ? ' · non-main groups read-only' : ''}
				{" · an agent's request waits for you unless its root is marked autoApprove"}
			</Text>
			<Table
				columns={columns}
				rows={mountRows(snapshot, filter)}
				cursor={cursor}
				width={width}
				height={height - 1}
				rowColor={(row) => (row.kind === 'request' ? 'yellow' : row.kind === 'blocked' ? 'gray' : undefined)}
				empty="no allowed roots, blocked patterns or requests"
			/>
		</Box>
	);
}
