import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import IdentityMenu from '../components/IdentityMenu.svelte';
import type { Person } from '../lib/bindings';
import { notices } from '../lib/notices.svelte';
import { PeopleState } from '../lib/people.svelte';
import { callsOf, mockCommands } from './fixtures';

const person = (name: string, n: number): Person => ({
  id: `0b5e0f7a-0000-4000-8000-00000000010${n}`,
  name,
  email: `${name}@example.org`,
  backend_user: null,
  created_at: '2026-11-25T10:00:00.000Z',
  keys: [],
});

describe('who I am on this desktop', () => {
  beforeEach(() => notices.clear());

  it('asks until someone is chosen, then shows the chosen name', async () => {
    const alice = person('alice', 1);
    const bob = person('bob', 2);
    let me: Person | null = null;
    const invoke = mockCommands({
      list_people: () => [alice, bob],
      whoami: () => me,
      choose_me: (args) => {
        me = [alice, bob].find((p) => p.id === args.person) ?? null;
        return me;
      },
    });
    const people = new PeopleState();
    await people.refresh();
    render(IdentityMenu, { people });
    const button = screen.getByTestId('identity-button');
    expect(button.textContent).toContain('Who are you?');
    await fireEvent.click(button);
    const choices = screen.getAllByTestId('choose-person');
    expect(choices.map((c) => c.dataset.name)).toEqual(['alice', 'bob']);
    await fireEvent.click(choices[1]);
    await waitFor(() => expect(screen.getByTestId('identity-button').textContent).toContain('bob'));
    expect(callsOf(invoke, 'choose_me')).toEqual([{ person: bob.id, code: null }]);
  });

  it('sends the invitation code typed with the person chosen', async () => {
    const alice = person('alice', 1);
    const invoke = mockCommands({
      list_people: () => [alice],
      whoami: () => null,
      choose_me: () => alice,
    });
    const people = new PeopleState();
    await people.refresh();
    render(IdentityMenu, { people });
    await fireEvent.click(screen.getByTestId('identity-button'));
    await fireEvent.input(screen.getByTestId('invitation-code'), { target: { value: ' ABCDE-FGHJK-MNPQR-STVWX ' } });
    await fireEvent.click(screen.getAllByTestId('choose-person')[0]);
    await waitFor(() => expect(people.me?.name).toBe('alice'));
    expect(callsOf(invoke, 'choose_me')).toEqual([{ person: alice.id, code: 'ABCDE-FGHJK-MNPQR-STVWX' }]);
  });

  it('shows the invitation code of a person added after the founder, once', async () => {
    const alice = person('alice', 1);
    const dan = person('dan', 4);
    let known: Person[] = [alice];
    const invoke = mockCommands({
      list_people: () => known,
      whoami: () => alice,
      add_person: () => {
        known = [alice, dan];
        return { person: dan, invitation_code: '0123A-BCDEF-GHJKM-NPQRS' };
      },
    });
    const people = new PeopleState();
    await people.refresh();
    render(IdentityMenu, { people });
    await fireEvent.click(screen.getByTestId('identity-button'));
    await fireEvent.click(screen.getByTestId('add-person'));
    await fireEvent.input(screen.getByPlaceholderText('alice'), { target: { value: 'dan' } });
    await fireEvent.input(screen.getByPlaceholderText('alice@example.org'), { target: { value: 'dan@example.org' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(screen.getByTestId('invitation-shown').textContent).toContain('0123A-BCDEF-GHJKM-NPQRS'));
    expect(people.me?.name).toBe('alice');
    expect(callsOf(invoke, 'add_person')).toHaveLength(1);
  });

  it('adds the founder, who becomes me on this desktop', async () => {
    const carol = person('carol', 3);
    let known: Person[] = [];
    let me: Person | null = null;
    const invoke = mockCommands({
      list_people: () => known,
      whoami: () => me,
      add_person: () => {
        known = [carol];
        me = carol;
        return { person: carol, invitation_code: null };
      },
    });
    const people = new PeopleState();
    await people.refresh();
    render(IdentityMenu, { people });
    await fireEvent.click(screen.getByTestId('identity-button'));
    await fireEvent.click(screen.getByTestId('add-person'));
    await fireEvent.input(screen.getByPlaceholderText('alice'), { target: { value: 'carol' } });
    await fireEvent.input(screen.getByPlaceholderText('alice@example.org'), { target: { value: 'carol@example.org' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(people.me?.name).toBe('carol'));
    expect(callsOf(invoke, 'add_person')).toEqual([{ name: 'carol', email: 'carol@example.org', backendUser: null }]);
  });
});
