// The library's people and who "I" am on this desktop (chosen once; my
// sign-offs are signed with this desktop's key for me).
import * as api from './api';
import type { ChangeSet, NewPerson, Person } from './bindings';
import { notices } from './notices.svelte';

export class PeopleState {
  people = $state.raw<Person[]>([]);
  me = $state.raw<Person | null>(null);
  /** True once both were read, so the window does not ask before it knows. */
  ready = $state(false);

  async refresh(): Promise<void> {
    try {
      const [people, me] = await Promise.all([api.listPeople(), api.whoami()]);
      this.people = people;
      this.me = me;
    } catch (error) {
      notices.report(error, 'The people of this library could not be read');
    } finally {
      this.ready = true;
    }
  }

  /** Chooses who I am (with my invitation code the first time on this
   * desktop); false (with the reason shown) when it failed. */
  async choose(person: string, code: string | null = null): Promise<boolean> {
    try {
      this.me = await api.chooseMe(person, code);
      return true;
    } catch (error) {
      notices.report(error, 'You could not be chosen');
      return false;
    }
  }

  /** Adds a person (the first is the founder and becomes me here; anyone
   * later gets an invitation code to hand them); null (with the reason shown)
   * when it failed. */
  async add(name: string, email: string): Promise<NewPerson | null> {
    try {
      const added = await api.addPerson(name, email, null);
      await this.refresh();
      return added;
    } catch (error) {
      notices.report(error, 'The person could not be added');
      return null;
    }
  }

  changed(changes: ChangeSet): void {
    if (changes.changes.some((c) => c.kind === 'person')) void this.refresh();
  }
}
