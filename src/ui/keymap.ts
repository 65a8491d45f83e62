// The one table of key bindings: it drives input dispatch (panes, overlays, dialogs and text fields), the
// `?` help overlay, the status-bar hints and every hint text that names a key.
import {keyLabel, type KeyName} from './keys.js';

export const paneIds = ['groups', 'containers', 'logs', 'tasks', 'access', 'skills'] as const;
export type PaneId = (typeof paneIds)[number];

export const paneTitles: Record<PaneId, string> = {
	groups: 'Groups',
	containers: 'Containers',
	logs: 'Logs',
	tasks: 'Tasks',
	access: 'Access',
	skills: 'Skills',
};

/** Scopes of the keys that work while a modal is open (see `modalScopes`). */
export const modalScopeIds = ['overlay', 'confirm', 'choice', 'approve', 'approveHost', 'register', 'misfire', 'quit', 'text', 'modal'] as const;
export type ModalScope = (typeof modalScopeIds)[number];

export type KeyScope = 'global' | PaneId | ModalScope;

/** Section titles of the help overlay. */
export const scopeTitles: Record<KeyScope, string> = {
	global: 'Everywhere',
	groups: 'Groups pane',
	containers: 'Containers pane',
	logs: 'Logs pane',
	tasks: 'Tasks pane',
	access: 'Access pane (mounts and web hosts)',
	skills: 'Skills pane',
	overlay: 'Help and details',
	confirm: 'Yes/no questions',
	choice: 'Choices',
	approve: 'Approving a mount',
	approveHost: 'Approving a web host',
	register: 'Registering a chat',
	misfire: 'Missed runs of a task',
	quit: 'Quitting with the host in this UI',
	text: 'Text fields (filter, command line, chat, prompts)',
	modal: 'Any dialog, overlay or text field',
};

export type ActionName =
	| `pane.${PaneId}`
	| 'pane.next'
	| 'pane.prev'
	| 'cursor.down'
	| 'cursor.up'
	| 'cursor.top'
	| 'cursor.bottom'
	| 'cursor.pageUp'
	| 'cursor.pageDown'
	| 'filter'
	| 'command'
	| 'help'
	| 'details'
	| 'back'
	| 'chat'
	| 'pairing'
	| 'quit'
	| 'group.register'
	| 'group.unregister'
	| 'group.restoreMemory'
	| 'run.kill'
	| 'logs.follow'
	| 'logs.level'
	| 'task.toggle'
	| 'task.runNow'
	| 'task.delete'
	| 'task.misfire'
	| 'access.approve'
	| 'access.reject'
	| 'skill.trigger'
	| 'overlay.close'
	| 'confirm.yes'
	| 'confirm.no'
	| 'choice.cancel'
	| 'approve.ro'
	| 'approve.rw'
	| 'approve.ro.all'
	| 'approve.rw.all'
	| 'approveHost.once'
	| 'approveHost.group'
	| 'approveHost.all'
	| 'register.trigger'
	| 'register.every'
	| 'misfire.catchUp'
	| 'misfire.once'
	| 'misfire.skip'
	| 'quit.background'
	| 'quit.stop'
	| 'text.submit'
	| 'text.cancel'
	| 'text.backspace'
	| 'text.clear';

export interface KeyBinding {
	keys: KeyName[];
	action: ActionName;
	description: string;
	scope: KeyScope;
	/** Short label for the status bar; bindings without one stay out of the hints. */
	hint?: string;
}

export const keymap: readonly KeyBinding[] = [
	{keys: ['1'], action: 'pane.groups', description: 'Groups pane', scope: 'global'},
	{keys: ['2'], action: 'pane.containers', description: 'Containers pane', scope: 'global'},
	{keys: ['3'], action: 'pane.logs', description: 'Logs pane', scope: 'global'},
	{keys: ['4'], action: 'pane.tasks', description: 'Tasks pane', scope: 'global'},
	{keys: ['5'], action: 'pane.access', description: 'Access pane (mounts and web hosts)', scope: 'global'},
	{keys: ['6'], action: 'pane.skills', description: 'Skills pane', scope: 'global'},
	{keys: ['tab'], action: 'pane.next', description: 'Next pane', scope: 'global'},
	{keys: ['shift-tab'], action: 'pane.prev', description: 'Previous pane', scope: 'global'},
	{keys: ['j', 'down'], action: 'cursor.down', description: 'Move down', scope: 'global'},
	{keys: ['k', 'up'], action: 'cursor.up', description: 'Move up', scope: 'global'},
	{keys: ['g', 'home'], action: 'cursor.top', description: 'Go to the top', scope: 'global'},
	{keys: ['G', 'end'], action: 'cursor.bottom', description: 'Go to the bottom', scope: 'global'},
	{keys: ['pageup'], action: 'cursor.pageUp', description: 'Page up', scope: 'global'},
	{keys: ['pagedown'], action: 'cursor.pageDown', description: 'Page down', scope: 'global'},
	{keys: ['/'], action: 'filter', description: 'Filter the rows of this pane', scope: 'global', hint: 'filter'},
	{keys: [':'], action: 'command', description: 'Command line (:pair, :skill NAME, :stop, :q)', scope: 'global', hint: 'cmd'},
	{keys: ['?'], action: 'help', description: 'This help', scope: 'global', hint: 'help'},
	{keys: ['enter'], action: 'details', description: 'Details of the selected row', scope: 'global'},
	{keys: ['escape'], action: 'back', description: 'Back / close / clear the filter', scope: 'global'},
	{keys: ['c'], action: 'chat', description: 'Chat with the selected group (main elsewhere)', scope: 'global', hint: 'chat'},
	{keys: ['p'], action: 'pairing', description: 'WhatsApp pairing (QR or code)', scope: 'global'},
	{keys: ['q', 'ctrl-c'], action: 'quit', description: 'Quit: detach, or keep or stop the host', scope: 'global', hint: 'quit'},
	{keys: ['n'], action: 'group.register', description: 'Register the selected chat as a group', scope: 'groups', hint: 'register'},
	{keys: ['d'], action: 'group.unregister', description: 'Unregister the selected group', scope: 'groups', hint: 'unregister'},
	{keys: ['m'], action: 'group.restoreMemory', description: "Restore a kept version of the group's memory", scope: 'groups', hint: 'restore memory'},
	{keys: ['x'], action: 'run.kill', description: 'Kill the selected run, or only the sub-agent', scope: 'containers', hint: 'kill'},
	{keys: ['f'], action: 'logs.follow', description: 'Follow / pause the log', scope: 'logs', hint: 'follow'},
	{keys: ['l'], action: 'logs.level', description: 'Cycle the minimum log level', scope: 'logs', hint: 'level'},
	{keys: ['space'], action: 'task.toggle', description: 'Pause / resume the selected task', scope: 'tasks', hint: 'pause/resume'},
	{keys: ['t'], action: 'task.runNow', description: 'Run the selected task now', scope: 'tasks', hint: 'run now'},
	{keys: ['d'], action: 'task.delete', description: 'Delete the selected task', scope: 'tasks', hint: 'delete'},
	{keys: ['m'], action: 'task.misfire', description: 'Missed runs of the task: catch-up, once or skip', scope: 'tasks', hint: 'misfire'},
	{keys: ['a'], action: 'access.approve', description: 'Approve the selected mount or web request', scope: 'access', hint: 'approve'},
	{keys: ['r'], action: 'access.reject', description: 'Reject the selected request', scope: 'access', hint: 'reject'},
	{keys: ['t'], action: 'skill.trigger', description: 'Trigger the selected skill in a group', scope: 'skills', hint: 'trigger'},
	{keys: ['escape', '?', 'q', 'enter'], action: 'overlay.close', description: 'Close it (the move keys scroll it)', scope: 'overlay'},
	{keys: ['y', 'Y'], action: 'confirm.yes', description: 'Yes', scope: 'confirm'},
	{keys: ['n', 'N', 'escape', 'q', 'ctrl-c'], action: 'confirm.no', description: 'No', scope: 'confirm'},
	{keys: ['escape'], action: 'choice.cancel', description: 'Cancel', scope: 'choice'},
	{keys: ['r'], action: 'approve.ro', description: 'Approve read-only, for this group', scope: 'approve'},
	{keys: ['w'], action: 'approve.rw', description: 'Approve read-write, for this group', scope: 'approve'},
	{keys: ['R'], action: 'approve.ro.all', description: 'Approve read-only, for all groups', scope: 'approve'},
	{keys: ['W'], action: 'approve.rw.all', description: 'Approve read-write, for all groups', scope: 'approve'},
	{keys: ['o'], action: 'approveHost.once', description: 'Allow this one fetch', scope: 'approveHost'},
	{keys: ['g'], action: 'approveHost.group', description: "Allow the host for the request's group", scope: 'approveHost'},
	{keys: ['a'], action: 'approveHost.all', description: 'Allow the host for all groups', scope: 'approveHost'},
	{keys: ['t'], action: 'register.trigger', description: 'Answer only after the trigger word', scope: 'register'},
	{keys: ['a'], action: 'register.every', description: 'Answer every message', scope: 'register'},
	{keys: ['c'], action: 'misfire.catchUp', description: 'catch-up: run each missed one (10 at most)', scope: 'misfire'},
	{keys: ['o'], action: 'misfire.once', description: 'once: run once now for all missed', scope: 'misfire'},
	{keys: ['s'], action: 'misfire.skip', description: 'skip: wait for the next occurrence', scope: 'misfire'},
	{keys: ['b'], action: 'quit.background', description: 'Keep the host running in the background', scope: 'quit'},
	{keys: ['s', 'ctrl-c'], action: 'quit.stop', description: 'Stop the host (closes its runs)', scope: 'quit'},
	{keys: ['enter'], action: 'text.submit', description: 'Submit (send, keep, ok)', scope: 'text'},
	{keys: ['escape'], action: 'text.cancel', description: 'Cancel / close', scope: 'text'},
	{keys: ['backspace'], action: 'text.backspace', description: 'Delete the last character', scope: 'text'},
	{keys: ['ctrl-u'], action: 'text.clear', description: 'Clear the field', scope: 'text'},
	{keys: ['ctrl-c'], action: 'quit', description: 'Quit from any dialog, overlay or text field', scope: 'modal'},
];

/** The binding for `key` in the first of `scopes` that binds it. */
export function bindingIn(key: KeyName, scopes: readonly KeyScope[], table: readonly KeyBinding[] = keymap): KeyBinding | undefined {
	for (const scope of scopes) {
		const binding = table.find((candidate) => candidate.scope === scope && candidate.keys.includes(key));
		if (binding) return binding;
	}
	return undefined;
}

/** The binding for `key` in `pane`: the pane's own bindings win over global ones. */
export function bindingFor(key: KeyName, pane: PaneId, table: readonly KeyBinding[] = keymap): KeyBinding | undefined {
	return bindingIn(key, [pane, 'global'], table);
}

/** The keys of `action` as hints show them: the first `count` labels joined by `/` (`Esc/?`). */
export function keysOf(action: ActionName, count = 1, table: readonly KeyBinding[] = keymap): string {
	const binding = table.find((candidate) => candidate.action === action);
	if (!binding) throw new Error(`no key is bound to ${action}`);
	return binding.keys.slice(0, count).map(keyLabel).join('/');
}

/** `key text` for a hint, e.g. `f to follow` from `keyHint('logs.follow', 'to follow')`. */
export function keyHint(action: ActionName, text: string, count = 1): string {
	return `${keysOf(action, count)} ${text}`;
}

/** Bindings shown as hints while `pane` is focused: the pane's own first, then the global ones. */
export function hintsFor(pane: PaneId, table: readonly KeyBinding[] = keymap): KeyBinding[] {
	return [...table.filter((binding) => binding.scope === pane && binding.hint), ...table.filter((binding) => binding.scope === 'global' && binding.hint)];
}

export function nextPane(pane: PaneId, step: 1 | -1): PaneId {
	const index = paneIds.indexOf(pane);
	return paneIds[(index + step + paneIds.length) % paneIds.length];
}
