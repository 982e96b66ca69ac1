// Errors shown to the person: a short list of calm, dismissable messages.
import { messageOf } from './api';

export interface Notice {
  id: number;
  message: string;
  /** The error itself, without the context: one cause is shown once. */
  cause: string;
}

class Notices {
  items = $state<Notice[]>([]);
  #next = 1;

  /** Shows what went wrong; an error already on screen is not shown twice. */
  report(error: unknown, context?: string): void {
    const cause = messageOf(error);
    const message = context ? `${context}: ${cause}` : cause;
    if (this.items.some((n) => n.cause === cause)) return;
    this.items = [...this.items.slice(-3), { id: this.#next++, message, cause }];
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }

  clear(): void {
    this.items = [];
  }
}

export const notices = new Notices();
