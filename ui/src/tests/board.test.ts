import { describe, expect, it } from 'vitest';
import type { BoardItem, Column } from '../lib/bindings';
import { boardColumns, columnName, involvementText } from '../lib/board';
import { addStep, moveStep, removeStep, requiredFromText, setRequired, toggleLanguage, toggleSigner } from '../lib/chain';

function item(id: string, column: Column): BoardItem {
  return {
    post_id: id,
    title: id,
    source_lang: 'fr',
    languages: ['fr'],
    state: { state: 'draft' },
    column,
    publication: { state: { state: 'draft' }, voided: null, changed_since_published: false, decided_hash: null },
    current_step: null,
    blocked: null,
    due: null,
    overdue: false,
    involvement: null,
  };
}

describe('the board', () => {
  it('puts each post in the column the core gives, columns in the order posts move', () => {
    const cols = boardColumns([
      item('p', { column: 'published' }),
      item('h', { column: 'in_signoff', step: 1, name: 'head' }),
      item('r', { column: 'ready' }),
      item('pr', { column: 'in_signoff', step: 0, name: 'proofreading' }),
      item('s', { column: 'scheduled' }),
      item('d', { column: 'draft' }),
    ]);
    expect(cols.map((c) => c.name)).toEqual([
      'Draft',
      'Sign-off 1: proofreading',
      'Sign-off 2: head',
      'Changes requested',
      'Approved',
      'Ready',
      'Scheduled',
      'Published',
    ]);
    expect(cols.find((c) => c.name === 'Ready')?.items.map((i) => i.post_id)).toEqual(['r']);
    expect(cols.find((c) => c.name === 'Approved')?.items).toEqual([]);
  });

  it('names a step column by its place in the chain', () => {
    expect(columnName({ column: 'in_signoff', step: 2, name: 'press office' })).toBe('Sign-off 3: press office');
  });

  it('says how a post involves the chosen person', () => {
    expect(involvementText({ waits_on: true, submitted: false, signed: true })).toBe('waits on them · signed');
    expect(involvementText(null)).toBe('');
  });
});

describe('chain editing', () => {
  const chain = { steps: [{ name: 'proofreading', signers: ['alice'], required: 1 as const, languages: null }] };

  it('adds, moves and removes steps without touching the chain it was given', () => {
    const two = addStep(chain, 'head');
    expect(two.steps.map((s) => s.name)).toEqual(['proofreading', 'head']);
    expect(moveStep(two, 1, -1).steps.map((s) => s.name)).toEqual(['head', 'proofreading']);
    expect(moveStep(two, 0, -1)).toBe(two);
    expect(removeStep(two, 0).steps.map((s) => s.name)).toEqual(['head']);
    expect(chain.steps).toHaveLength(1);
  });

  it('toggles signers and languages, and reads "all" or a count', () => {
    const c = toggleSigner(toggleSigner(chain, 0, 'bob'), 0, 'alice');
    expect(c.steps[0].signers).toEqual(['bob']);
    expect(setRequired(c, 0, requiredFromText(' All ')).steps[0].required).toBe('all');
    expect(requiredFromText('2')).toBe(2);
    const ar = toggleLanguage(chain, 0, 'ar');
    expect(ar.steps[0].languages).toEqual(['ar']);
    expect(toggleLanguage(ar, 0, 'ar').steps[0].languages).toBeNull();
  });
});
