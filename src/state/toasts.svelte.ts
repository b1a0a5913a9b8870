import { isAbortError } from '../lib/errors';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  message: string;
  /** A button beside the message ("Undo"); it dismisses the toast too. */
  action?: ToastAction;
}

export interface ToastAction {
  label: string;
  run: () => void;
}

class Toasts {
  items = $state<Toast[]>([]);
  #next = 1;

  show(message: string, kind: Toast['kind'] = 'info', ms = kind === 'error' ? 8000 : 4000, action?: ToastAction): void {
    const id = this.#next++;
    this.items = [...this.items, { id, kind, message, action }];
    setTimeout(() => this.dismiss(id), ms);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();

/** The one place errors reach the user: ignores cancellations, logs, and shows a toast. */
export function handleError(err: unknown, message: string): void {
  if (isAbortError(err)) return;
  console.error(message, err);
  const detail = err instanceof Error ? err.message : String(err);
  toasts.show(detail && detail !== message ? `${message}: ${detail}` : message, 'error');
}
