/**
 * The access-control seam (issue 10): the one place a presented credential becomes a grant or a deny.
 * Reader and door drivers ask it; it records every decision as an `access.granted` / `access.denied`
 * event (category `access`) and keeps the whitelist the township syncs with `access.sync`.
 * Credential values never leave it in clear: events and logs carry `MaskedCredential` only.
 */

/** How a person proved who they are: a card number, a PIN, a QR code, or a face terminal's own match. */
export type CredentialMethod = 'card' | 'pin' | 'qr' | 'face';

/** What a reader read. `value` is the card number, PIN or QR text; for `face`, the matched person id. */
export interface Credential {
  method: CredentialMethod;
  value: string;
  /** A face terminal's match score (0–1), when `method` is `face`. */
  score?: number;
}

/** Why a credential was refused (the contract's reasons). */
export type DenyReason = 'unknown' | 'expired' | 'outside-window' | 'door-not-allowed' | 'watch-listed' | 'anti-passback';

/** A credential as events and logs show it: an HMAC with the gateway's secret, and the last 2 characters. */
export interface MaskedCredential {
  method: CredentialMethod;
  hash: string;
  last2: string;
}

/** A credential presented at a door. */
export interface AccessRequest {
  /** The door device it would open. */
  door: string;
  credential: Credential;
  /** The device that read it (a reader on the local broker, a controller's reader). */
  reader: string;
  direction?: 'in' | 'out';
  /**
   * The device's own id of this event (a controller's event index), for `record`: a second record with
   * the same `reader` and `ref` is not recorded again, so an event read twice after a crash is one record.
   */
  ref?: string;
}

/** The decision, as recorded. */
export interface AccessDecision {
  granted: boolean;
  /** Set when refused. */
  reason?: DenyReason;
  /** The person the credential belongs to, when known. */
  person?: string;
  credential: MaskedCredential;
}

/** A card a network controller keeps in its own list, so it decides even with the box off. */
export interface ControllerCard {
  /** The card number as the controller stores it (uint32). */
  card: number;
  person: string;
  /** Validity, local dates `YYYY-MM-DD` (inclusive). */
  from: string;
  to: string;
}

export interface AccessControl {
  /** Decides, and resolves once the `access.granted`/`access.denied` event is committed. The caller opens the door on a grant. */
  decide(request: AccessRequest): Promise<AccessDecision>;
  /** Records a decision a controller made by itself (a UHPPOTE board's swipe), so records and rules see it. */
  record(request: AccessRequest, granted: boolean, reason?: DenyReason): Promise<AccessDecision>;
  /** The whitelist's cards valid at `door` (for pushing to a controller). */
  cardsFor(door: string): ControllerCard[];
  /** Calls `listener` after each whitelist change; returns the function that removes it. */
  onChange(listener: () => void): () => void;
  /** The masked form of a credential, for a driver's own logs. */
  mask(credential: Credential): MaskedCredential;
}
