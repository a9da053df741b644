/**
 * The ONVIF SOAP operations we use, written as templates (no ONVIF package: the `onvif` 0.x line is
 * end-of-life and 1.0 an alpha at +11 MiB, research part B), and the WS-Security UsernameToken with
 * a password digest (OASIS WSS UsernameToken Profile 1.0 §3.1: Base64(SHA-1(nonce + created + password))).
 */
import { createHash, randomBytes } from 'node:crypto';
import { esc } from './xml.js';

const NS = {
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tev: 'http://www.onvif.org/ver10/events/wsdl',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
};

/** One operation: its SOAP action (for the Content-Type and WS-Addressing) and its body. */
export interface SoapOperation {
  action: string;
  body: string;
}

const dur = (sec: number) => `PT${Math.max(1, Math.round(sec))}S`;

/** The operations, by name; each returns what to send. */
export const ops = {
  getSystemDateAndTime: (): SoapOperation => ({ action: `${NS.tds}/GetSystemDateAndTime`, body: `<tds:GetSystemDateAndTime xmlns:tds="${NS.tds}"/>` }),
  getCapabilities: (): SoapOperation => ({ action: `${NS.tds}/GetCapabilities`, body: `<tds:GetCapabilities xmlns:tds="${NS.tds}"><tds:Category>All</tds:Category></tds:GetCapabilities>` }),
  getServices: (): SoapOperation => ({ action: `${NS.tds}/GetServices`, body: `<tds:GetServices xmlns:tds="${NS.tds}"><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>` }),
  getProfiles: (): SoapOperation => ({ action: `${NS.trt}/GetProfiles`, body: `<trt:GetProfiles xmlns:trt="${NS.trt}"/>` }),
  getSnapshotUri: (profile: string): SoapOperation => ({ action: `${NS.trt}/GetSnapshotUri`, body: `<trt:GetSnapshotUri xmlns:trt="${NS.trt}"><trt:ProfileToken>${esc(profile)}</trt:ProfileToken></trt:GetSnapshotUri>` }),
  getEventProperties: (): SoapOperation => ({ action: `${NS.tev}/EventPortType/GetEventPropertiesRequest`, body: `<tev:GetEventProperties xmlns:tev="${NS.tev}"/>` }),
  createPullPointSubscription: (terminationSec: number): SoapOperation => ({
    action: `${NS.tev}/EventPortType/CreatePullPointSubscriptionRequest`,
    body: `<tev:CreatePullPointSubscription xmlns:tev="${NS.tev}"><tev:InitialTerminationTime>${dur(terminationSec)}</tev:InitialTerminationTime></tev:CreatePullPointSubscription>`,
  }),
  pullMessages: (timeoutSec: number, limit: number): SoapOperation => ({
    action: `${NS.tev}/PullPointSubscription/PullMessagesRequest`,
    body: `<tev:PullMessages xmlns:tev="${NS.tev}"><tev:Timeout>${dur(timeoutSec)}</tev:Timeout><tev:MessageLimit>${limit}</tev:MessageLimit></tev:PullMessages>`,
  }),
  renew: (terminationSec: number): SoapOperation => ({ action: `${NS.wsnt}/SubscriptionManager/RenewRequest`, body: `<wsnt:Renew xmlns:wsnt="${NS.wsnt}"><wsnt:TerminationTime>${dur(terminationSec)}</wsnt:TerminationTime></wsnt:Renew>` }),
  unsubscribe: (): SoapOperation => ({ action: `${NS.wsnt}/SubscriptionManager/UnsubscribeRequest`, body: `<wsnt:Unsubscribe xmlns:wsnt="${NS.wsnt}"/>` }),
};

/** The UsernameToken's password digest: Base64(SHA-1(nonce bytes + created + password)). */
export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created + password, 'utf8')])).digest('base64');
}

const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const DIGEST_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const B64_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-soap-message-security-1.0#Base64Binary';

/**
 * A whole envelope for `op` sent `to` a service address. `createdMs` is the camera's clock as we
 * know it (ours plus the measured drift): cameras refuse a token created too far from their own time.
 */
export function envelope(op: SoapOperation, to: string, login: { user: string; password: string; createdMs: number } | null): string {
  let security = '';
  if (login) {
    const nonce = randomBytes(16);
    const created = new Date(login.createdMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    security =
      `<wsse:Security s:mustUnderstand="1" xmlns:wsse="${WSSE}" xmlns:wsu="${WSU}"><wsse:UsernameToken><wsse:Username>${esc(login.user)}</wsse:Username>` +
      `<wsse:Password Type="${DIGEST_TYPE}">${passwordDigest(nonce, created, login.password)}</wsse:Password>` +
      `<wsse:Nonce EncodingType="${B64_TYPE}">${nonce.toString('base64')}</wsse:Nonce><wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`;
  }
  const addressing = `<a:Action s:mustUnderstand="1">${esc(op.action)}</a:Action><a:To s:mustUnderstand="1">${esc(to)}</a:To>`;
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header>${addressing}${security}</s:Header><s:Body>${op.body}</s:Body></s:Envelope>`;
}
