// The one list of the host's callable methods: the control socket serves each by its name and the
// attached client builds its methods from it.
import type {HostActions} from './host-api.js';

export const hostActionNames = [
	'sendLocalMessage',
	'killRun',
	'registerGroup',
	'unregisterGroup',
	'approveMount',
	'rejectMount',
	'allowMountRoot',
	'revokeMountRoot',
	'pauseTask',
	'resumeTask',
	'runTaskNow',
	'deleteTask',
	'triggerSkill',
	'skillText',
	'runOutput',
	'startPairing',
	'stop',
] as const satisfies ReadonlyArray<keyof HostActions>;

export type HostActionName = (typeof hostActionNames)[number];

// A method of HostActions missing from the list above fails to compile here, naming it.
type Unlisted = Exclude<keyof HostActions, HostActionName>;
export const everyActionListed: [Unlisted] extends [never] ? true : Unlisted = true;

const known = new Set<string>(hostActionNames);

export function isHostActionName(name: unknown): name is HostActionName {
	return typeof name === 'string' && known.has(name);
}
