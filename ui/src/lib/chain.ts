// Editing the sign-off chain in the window: each function returns a new chain
// with one change, so the editor keeps a draft it can throw away. Whether a
// chain is acceptable (names known, N within the signers, languages of the
// site…) is the core's to say when it is saved; nothing is checked here.
import type { Chain, Required, Step } from './bindings';

function withStep(chain: Chain, i: number, change: (s: Step) => Step): Chain {
  return { ...chain, steps: chain.steps.map((s, k) => (k === i ? change(s) : s)) };
}

export function addStep(chain: Chain, name: string): Chain {
  return { ...chain, steps: [...chain.steps, { name, signers: [], required: 1, languages: null }] };
}

export function removeStep(chain: Chain, i: number): Chain {
  return { ...chain, steps: chain.steps.filter((_, k) => k !== i) };
}

/** Moves step `i` one place earlier (`by` -1) or later (+1); at an end, nothing. */
export function moveStep(chain: Chain, i: number, by: -1 | 1): Chain {
  const j = i + by;
  if (j < 0 || j >= chain.steps.length) return chain;
  const steps = [...chain.steps];
  [steps[i], steps[j]] = [steps[j], steps[i]];
  return { ...chain, steps };
}

export function renameStep(chain: Chain, i: number, name: string): Chain {
  return withStep(chain, i, (s) => ({ ...s, name }));
}

/** Adds `person` to the step's signers, or takes them off. */
export function toggleSigner(chain: Chain, i: number, person: string): Chain {
  return withStep(chain, i, (s) => ({
    ...s,
    signers: s.signers.includes(person) ? s.signers.filter((p) => p !== person) : [...s.signers, person],
  }));
}

/** "all", or a count as typed (the core refuses one that does not fit). */
export function requiredFromText(text: string): Required {
  const t = text.trim().toLowerCase();
  if (t === 'all') return 'all';
  const n = Number(t);
  return Number.isInteger(n) ? n : 1;
}

export function setRequired(chain: Chain, i: number, required: Required): Chain {
  return withStep(chain, i, (s) => ({ ...s, required }));
}

/** Adds or removes a language the step covers; no language left: every version. */
export function toggleLanguage(chain: Chain, i: number, lang: string): Chain {
  return withStep(chain, i, (s) => {
    const now = s.languages ?? [];
    const next = now.includes(lang) ? now.filter((l) => l !== lang) : [...now, lang];
    return { ...s, languages: next.length > 0 ? next : null };
  });
}
