// Keys while a modal is open: it takes every key before the keymap does.
import type {Controller} from './controller.js';
import type {KeyName} from './keys.js';
import type {Modal} from './modal.js';
import {editText} from './text-edit.js';

const scrollStep: Record<string, number> = {j: 1, down: 1, k: -1, up: -1, pagedown: 10, pageup: -10};

export function handleModalKey(controller: Controller, modal: Modal, key: KeyName): void {
	const close = () => controller.openModal(null);
	switch (modal.kind) {
		case 'help':
		case 'details': {
			if (key === 'escape' || key === 'q' || key === '?' || (modal.kind === 'details' && key === 'enter')) return close();
			const step = scrollStep[key];
			if (step) controller.openModal({...modal, scroll: Math.max(0, modal.scroll + step)});
			return;
		}
		case 'confirm':
			if (key === 'y' || key === 'Y') {
				close();
				modal.onYes();
			} else if (key === 'n' || key === 'N' || key === 'escape' || key === 'q' || key === 'ctrl-c') close();
			return;
		case 'choice': {
			if (key === 'escape') return close();
			const choice = modal.choices.find((candidate) => candidate.key === key);
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
