/** Loading, empty and error states, rendered the same way everywhere so the page reads consistently. */
import { ApiError } from './api.js';
import { h } from './dom.js';

/** A readable sentence for any failure: the service's own message when it sent one. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} [${err.code}]`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** A boxed message. Errors use role="alert" so screen readers announce them at once. */
export function notice(kind: 'info' | 'empty' | 'error' | 'loading', text: string, testId?: string): HTMLElement {
  return h(
    'div',
    { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-testid': testId },
    kind === 'loading' ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null,
    text,
  );
}
