import type {HostSnapshot} from '../../api/host-api.js';

export interface PaneProps {
	snapshot: HostSnapshot;
	filter: string;
	cursor: number;
	width: number;
	height: number;
	now: number;
}
