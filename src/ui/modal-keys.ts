// Keys while a modal is open: it takes every key before the pane keymap does. Which key does what comes
// from the keymap's modal scopes (see `modalScopes`); text fields take the printable keys.
import type {Controller} from './controller.js';
import type {KeyName} from './keys.js';
import {bindingIn, type ActionName} from './keymap.js';
import {modalScopes, type Modal} from './modal.js';
import {editText} from './text-edit.js';
import {helpLines} from './overlays/help-overlay.js';

/** How far the move keys of the global scope scroll an overlay. */
function scrollBy(action: ActionName, page: number): number | undefined {
	const steps: Partial<Record<ActionName, number>> = {
		'cursor.down': 1,
		'cursor.up': -1,
		'cursor.pageDown': page,
		'cursor.pageUp': -page,
		'cursor.top': -Infinity,
		'cursor.bottom': Infinity,
	};
	return steps[action];
}

export function handleModalKey(controller: Controller, modal: Modal, key: KeyName): void {
	const close = () => controller.openModal(null);
	const binding = bindingIn(key, modalScopes(modal));
	if (binding?.action === 'quit') {
		close();
		return controller.requestQuit();
	}
	switch (modal.kind) {
		case 'help':
		case 'details': {
			if (binding?.action === 'overlay.close') return close();
			const move = bindingIn(key, ['global']);
			const step = move && scrollBy(move.action, Math.max(1, controller.deps.bodyHeight() - 3));
			if (!step) return;
			const max = modal.kind === 'details' ? modal.lines.length : helpLines().length;
			controller.openModal({...modal, scroll: Math.max(0, Math.min(max, modal.scroll + step))});
			return;
		}
		case 'confirm':
			if (binding?.action === 'confirm.yes') {
				close();
				modal.onYes();
			} else if (binding?.action === 'confirm.no') close();
			return;
		case 'choice': {
			if (binding?.action === 'choice.cancel') return close();
			const choice = modal.choices.find((candidate) => candidate.action === binding?.action);
			if (choice) {
				close();
				choice.run();
			}
			return;
		}
		case 'prompt': {
			const result = editText(modal.value, key);
			if (result.kind === 'cancel') return close();
			if (result.kind === 'edit') return controller.openModal({...modal, value: result.value});
			if (result.kind === 'submit') {
				close();
				modal.onSubmit(result.value.trim());
			}
			return;
		}
		case 'chat': {
			const result = editText(modal.value, key);
			if (result.kind === 'cancel') return close();
			if (result.kind === 'edit') return controller.openModal({...modal, value: result.value});
			if (result.kind === 'submit' && result.value.trim()) {
				const text = result.value.trim();
				controller.openModal({...modal, value: ''});
				controller.deps.host.sendLocalMessage(modal.groupFolder, text).catch((error: Error) => controller.deps.notify('error', error.message));
			}
			return;
		}
		case 'pairing': {
			const result = editText(modal.value, key);
			if (result.kind === 'cancel') return close();
			if (result.kind === 'edit') {
				if (/^[+\d ]*$/.test(result.value)) controller.openModal({...modal, value: result.value});
				else controller.deps.notify('warn', 'a phone number is digits only, country code first (e.g. 4915112345678)');
				return;
			}
			if (result.kind === 'submit') {
				const phone = result.value.replace(/\D/g, '');
				controller.act(() => controller.deps.host.startPairing(phone ? {phone} : {}), phone ? `pairing code requested for ${phone}` : 'pairing started: scan the QR');
			}
			return;
		}
		case 'command': {
			const result = editText(modal.value, key);
			if (result.kind === 'cancel') return close();
			if (result.kind === 'edit') return controller.openModal({...modal, value: result.value});
			if (result.kind === 'submit') {
				close();
				controller.runCommand(result.value);
			}
			return;
		}
		case 'filter': {
			const result = editText(modal.value, key);
			if (result.kind === 'cancel') {
				close();
				return controller.setFilter(modal.previous);
			}
			if (result.kind === 'edit') {
				controller.openModal({...modal, value: result.value});
				return controller.setFilter(result.value);
			}
			if (result.kind === 'submit') close();
			return;
		}
	}
}
