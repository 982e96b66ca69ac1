// Errors shown to the person: a short list of calm, dismissable messages.
import { messageOf } from './api';

export interface Notice {
  id: number;
  message: string;
}

class Notices {
  items = $state<Notice[]>([]);
  #next = 1;

  /** Shows what went wrong; the same message twice in a row is shown once. */
  report(error: unknown, context?: string): void {
    const text = messageOf(error);
    const message = context ? `${context}: ${text}` : text;
    if (this.items.some((n) => n.message === message)) return;
    this.items = [...this.items.slice(-3), { id: this.#next++, message }];
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }

  clear(): void {
    this.items = [];
  }
}

export const notices = new Notices();
