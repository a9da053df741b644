/** An access service that behaves (style rule 10): a card list per door, decisions it records, changes it announces. */
import { createHmac } from 'node:crypto';
import type { AccessControl, AccessDecision, AccessRequest, ControllerCard, Credential, DenyReason, MaskedCredential } from '../../../device-drivers/access.js';

export class FakeAccess implements AccessControl {
  /** Cards valid per door device. */
  readonly cards = new Map<string, ControllerCard[]>();
  /** What the controller decided by itself, as recorded. */
  readonly recorded: { request: AccessRequest; granted: boolean; reason?: DenyReason | undefined }[] = [];
  private readonly listeners = new Set<() => void>();

  mask(c: Credential): MaskedCredential {
    return { method: c.method, hash: createHmac('sha256', 'test-secret').update(c.value).digest('hex').slice(0, 16), last2: c.value.slice(-2) };
  }

  private personOf(door: string, value: string): string | undefined {
    return this.cards.get(door)?.find((c) => String(c.card) === value)?.person;
  }

  async decide(request: AccessRequest): Promise<AccessDecision> {
    const person = this.personOf(request.door, request.credential.value);
    return { granted: person !== undefined, ...(person ? { person } : { reason: 'unknown' as const }), credential: this.mask(request.credential) };
  }

  async record(request: AccessRequest, granted: boolean, reason?: DenyReason): Promise<AccessDecision> {
    this.recorded.push({ request, granted, reason });
    const person = this.personOf(request.door, request.credential.value);
    return { granted, ...(reason ? { reason } : {}), ...(person ? { person } : {}), credential: this.mask(request.credential) };
  }

  cardsFor(door: string): ControllerCard[] {
    return this.cards.get(door) ?? [];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces the cards of `door` and tells the listeners, as an `access.sync` would. */
  set(door: string, cards: ControllerCard[]): void {
    this.cards.set(door, cards);
    for (const l of this.listeners) l();
  }
}
