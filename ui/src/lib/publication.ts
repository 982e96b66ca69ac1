// A post's publication in words, and the schedule request from what the
// date-time input holds. The states and what may be done are the core's.
import type { Publication, PublicationRequest, PublicationState } from './bindings';

function stateText(s: PublicationState, date: (ms: number) => string): string {
  switch (s.state) {
    case 'draft':
      return 'Draft: not ready to publish';
    case 'ready':
      return `Ready to publish (marked by ${s.by}, ${date(s.at)})`;
    case 'scheduled':
      return s.now
        ? `To publish at the next sync (decided by ${s.by}, ${date(s.at)})`
        : `Scheduled for ${date(s.publish_at)} (by ${s.by})`;
    case 'published':
      return `Published ${date(s.at)} by ${s.by}`;
  }
}

export function publicationText(p: Publication, date: (ms: number) => string): string {
  let text = stateText(p.state, date);
  if (p.voided && p.voided.state !== 'draft') {
    const was = p.voided.state === 'ready' ? 'ready' : 'scheduled';
    text += ` — it was ${was}, but the text changed since: check and mark it again`;
  }
  if (p.changed_since_published) text += ' — the text changed since it was published';
  return text;
}

/**
 * The request for a `datetime-local` value (the person's local time), sent as
 * an RFC 3339 UTC date-time; null when nothing readable was typed.
 */
export function scheduleRequest(local: string): PublicationRequest | null {
  const t = new Date(local);
  if (!local || Number.isNaN(t.getTime())) return null;
  return { move: 'schedule', at: t.toISOString() };
}
