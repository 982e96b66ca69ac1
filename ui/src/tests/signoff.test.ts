import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import SignoffPanel from '../components/SignoffPanel.svelte';
import type { ActRequest, Approval, FailedCheck, PostSignoff, PublicationRequest, StepStatus } from '../lib/bindings';
import { publicationText, scheduleRequest } from '../lib/publication';

const HASH_A = 'v1:' + 'a'.repeat(64);
const HASH_B = 'v1:' + 'b'.repeat(64);

function approval(by: string, seq: number, hash = HASH_A): Approval {
  return { signer: by, by, on_behalf_of: null, at: Date.UTC(2026, 10, 25, 9, seq), comment: '', seq, signed_hash: hash };
}

function step(over: Partial<StepStatus> & { name: string }): StepStatus {
  return {
    languages: null,
    state: 'waiting',
    ready: false,
    approvals: [],
    counted: 0,
    required: 1,
    voided: [],
    changes_requested: null,
    current_hash: HASH_A,
    overdue: false,
    ...over,
  };
}

/** Proofreading signed by alice, then the text changed: voided; head of unit waiting. */
const voided: PostSignoff = {
  state: { state: 'in_signoff', step: 0, name: 'proofreading' },
  submission: { by: 'eve', at: Date.UTC(2026, 10, 24), due: null, comment: '' },
  overdue: false,
  steps: [
    step({
      name: 'proofreading',
      state: 'voided_by_change',
      ready: true,
      current_hash: HASH_B,
      voided: [{ approval: approval('alice', 3), current_hash: HASH_B }],
    }),
    step({ name: 'head', state: 'waiting' }),
  ],
};

describe('the sign-off panel', () => {
  it('shows each step, a voided approval with what changed, and the acts allowed', async () => {
    const acts: ActRequest[] = [];
    const gone: string[] = [];
    render(SignoffPanel, {
      signoff: voided,
      may: [
        { kind: 'approve', step: 'proofreading', on_behalf_of: null },
        { kind: 'request_changes', step: 'proofreading', on_behalf_of: null },
      ],
      me: 'alice',
      diffs: {
        proofreading: [
          { kind: 'same', text: '# fr' },
          { kind: 'changed', parts: [{ change: 'removed', text: 'lundi' }, { change: 'added', text: 'mardi' }] },
        ],
      },
      busy: false,
      checks: [
        {
          code: 'approval_voided',
          message: 'Proofreading: the approval by alice no longer matches the text.',
          go_to: { post_id: 'p', lang: null, field: null, step: 'proofreading' },
        },
      ],
      onact: (a: ActRequest) => acts.push(a),
      ongo: (c: FailedCheck) => gone.push(c.code),
    });
    const steps = screen.getAllByTestId('signoff-step');
    expect(steps.map((s) => s.dataset.state)).toEqual(['voided_by_change', 'waiting']);
    expect(screen.getByTestId('signoff-state').textContent).toContain('In sign-off: proofreading (step 1)');
    const diff = within(steps[0]).getByTestId('signed-diff');
    expect(diff.querySelector('del')?.textContent).toBe('lundi');
    expect(diff.querySelector('ins')?.textContent).toBe('mardi');
    expect(diff.textContent).not.toContain('# fr');

    // Asking for changes needs a comment first.
    const request = within(steps[0]).getByTestId('act-request_changes') as HTMLButtonElement;
    expect(request.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('signoff-comment'), { target: { value: 'Relire le titre' } });
    expect(request.disabled).toBe(false);

    const preflight = screen.getByTestId('preflight');
    expect(preflight.dataset.ready).toBe('false');
    await fireEvent.click(within(preflight).getByRole('button', { name: 'Go there' }));
    expect(gone).toEqual(['approval_voided']);

    await fireEvent.click(within(steps[0]).getByTestId('act-approve'));
    expect(acts).toEqual([
      { kind: 'approve', step: 'proofreading', on_behalf_of: null, comment: 'Relire le titre', private_note: null, due: null },
    ]);
  });

  it('offers nothing to sign until someone is chosen', () => {
    render(SignoffPanel, {
      signoff: voided,
      may: [],
      me: null,
      diffs: {},
      busy: false,
      checks: [],
      onact: () => {},
      ongo: () => {},
    });
    expect(screen.getByTestId('preflight').textContent).toContain('Ready to publish');
    expect(screen.queryByTestId('act-approve')).toBeNull();
    expect(screen.getByTestId('signoff-panel').textContent).toContain('Choose who you are');
  });
});

describe('publication on the sign-off panel', () => {
  const draft = { state: { state: 'draft' as const }, voided: null, changed_since_published: false, decided_hash: null };
  const failed: FailedCheck[] = [
    { code: 'step_not_approved', message: "Step 'head' is not approved: 0 of 1 approvals.", go_to: { post_id: 'p', lang: null, field: null, step: 'head' } },
    { code: 'language_missing', message: 'There is no en version.', go_to: { post_id: 'p', lang: 'en', field: null, step: null } },
  ];

  it('shows the moves disabled with every failed check while the preflight fails', () => {
    render(SignoffPanel, {
      signoff: voided,
      may: [],
      me: 'ed',
      diffs: {},
      busy: false,
      checks: failed,
      onact: () => {},
      ongo: () => {},
      publication: draft,
      offers: [
        { kind: 'ready', blocked_by_preflight: true },
        { kind: 'schedule', blocked_by_preflight: true },
        { kind: 'publish', blocked_by_preflight: true },
      ],
    });
    expect(screen.getByTestId('publication-state').textContent).toContain('Draft');
    for (const kind of ['ready', 'publish', 'schedule']) {
      const button = screen.getByTestId(`move-${kind}`) as HTMLButtonElement;
      expect(button.disabled).toBe(true);
      expect(button.title).toContain("Step 'head' is not approved");
      expect(button.title).toContain('There is no en version.');
    }
    expect(screen.getByTestId('publication-held')).toBeTruthy();
  });

  it('sends the move chosen once the preflight passes, a schedule as a UTC date-time', async () => {
    const moves: PublicationRequest[] = [];
    render(SignoffPanel, {
      signoff: voided,
      may: [],
      me: 'ed',
      diffs: {},
      busy: false,
      checks: [],
      onact: () => {},
      ongo: () => {},
      publication: draft,
      offers: [
        { kind: 'ready', blocked_by_preflight: false },
        { kind: 'schedule', blocked_by_preflight: false },
      ],
      onmove: (r: PublicationRequest) => moves.push(r),
    });
    expect(screen.queryByTestId('move-publish')).toBeNull();
    await fireEvent.click(screen.getByTestId('move-ready'));
    await fireEvent.click(screen.getByTestId('move-schedule'));
    await fireEvent.input(screen.getByTestId('publish-at'), { target: { value: '2026-12-01T09:30' } });
    await fireEvent.click(screen.getByTestId('schedule-confirm'));
    expect(moves).toEqual([
      { move: 'mark_ready' },
      { move: 'schedule', at: new Date('2026-12-01T09:30').toISOString() },
    ]);
  });

  it('says what a change to the text voided', () => {
    const text = publicationText(
      { ...draft, voided: { state: 'ready', by: 'ed', at: 0 } },
      () => 'then',
    );
    expect(text).toContain('it was ready, but the text changed since');
    expect(scheduleRequest('')).toBeNull();
    expect(scheduleRequest('nonsense')).toBeNull();
  });
});
