import {Table, type Column} from '../components/table.js';
import {sandboxLabel, since} from '../format.js';
import type {PaneProps} from './pane-props.js';
import {groupRows, type GroupRow} from './rows.js';

const name = (row: GroupRow) => (row.kind === 'group' ? row.group.name : row.kind === 'self' ? 'your WhatsApp self-chat' : row.chat.name || row.chat.jid);

const columns: Column<GroupRow>[] = [
	{header: 'NAME', width: 20, flex: true, cell: name},
	{header: 'FOLDER', width: 16, cell: (row) => (row.kind === 'chat' ? '(not registered)' : row.group.folder)},
	{header: 'RULE', width: 14, cell: (row) => (row.kind === 'chat' ? '-' : row.group.isMain ? 'main' : row.group.requiresTrigger ? row.group.trigger : 'no trigger')},
	{header: 'JID', width: 28, cell: (row) => (row.kind === 'group' ? row.group.jid : row.chat.jid)},
];

export function GroupsPane({snapshot, filter, cursor, width, height, now}: PaneProps) {
	const rows = groupRows(snapshot, filter);
	const sandbox: Column<GroupRow> = {
		header: 'SANDBOX',
		width: 11,
		cell: (row) => (row.kind === 'group' ? sandboxLabel(snapshot, row.group.folder).text : ''),
		color: (row) => (row.kind === 'group' ? sandboxLabel(snapshot, row.group.folder).color : undefined),
	};
	const lastSeen: Column<GroupRow> = {
		header: 'LAST MSG',
		width: 9,
		cell: (row) => {
			const jid = row.kind === 'group' ? row.group.jid : row.chat.jid;
			return since(snapshot.chats.find((chat) => chat.jid === jid)?.lastMessageAt, now);
		},
	};
	return (
		<Table
			columns={[...columns, sandbox, lastSeen]}
			rows={rows}
			cursor={cursor}
			width={width}
			height={height}
			rowColor={(row) => (row.kind === 'chat' ? 'gray' : undefined)}
			empty="no groups or chats yet"
		/>
	);
}
