import type {SkillView} from '../../api/host-api.js';
import {Table, type Column} from '../components/table.js';
import type {PaneProps} from './pane-props.js';
import {skillRows} from './rows.js';

const columns: Column<SkillView>[] = [
	{header: 'NAME', width: 18, cell: (skill) => skill.name},
	{header: 'SOURCE', width: 8, cell: (skill) => skill.source},
	{header: 'DESCRIPTION', width: 20, flex: true, cell: (skill) => (skill.broken ? `BROKEN: ${skill.broken}` : skill.description)},
];

export function SkillsPane({snapshot, filter, cursor, width, height}: PaneProps) {
	return (
		<Table
			columns={columns}
			rows={skillRows(snapshot, filter)}
			cursor={cursor}
			width={width}
			height={height}
			rowColor={(skill) => (skill.broken ? 'red' : undefined)}
			empty="no skills"
		/>
	);
}
