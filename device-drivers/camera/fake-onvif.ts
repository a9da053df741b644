/**
 * The ONVIF answers of the fake camera (fake-camera.ts): SOAP response bodies for every operation the
 * driver and the probe send, and the WS-Security check, written against the ONVIF WSDLs' shapes.
 */
import { timingSafeEqual } from 'node:crypto';
import { passwordDigest } from './onvif-soap.js';
import { at, esc, text, type XmlNode } from './xml.js';

const ENV = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tns1="http://www.onvif.org/ver10/topics" xmlns:wstop="http://docs.oasis-open.org/wsn/t-1"><s:Body>${body}</s:Body></s:Envelope>`;

/** A SOAP fault (`ter:NotAuthorized`, `wsrf-rw:ResourceUnknownFault`, ...). */
export const fault = (subcode: string, reason: string) =>
  ENV(`<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">${esc(reason)}</s:Text></s:Reason></s:Fault>`);

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** GetSystemDateAndTime at camera time `ms`. */
export function systemDateAndTime(ms: number): string {
  const t = new Date(ms);
  return ENV(
    `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>Manual</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:UTCDateTime>` +
      `<tt:Time><tt:Hour>${t.getUTCHours()}</tt:Hour><tt:Minute>${t.getUTCMinutes()}</tt:Minute><tt:Second>${t.getUTCSeconds()}</tt:Second></tt:Time>` +
      `<tt:Date><tt:Year>${t.getUTCFullYear()}</tt:Year><tt:Month>${t.getUTCMonth() + 1}</tt:Month><tt:Day>${t.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`,
  );
}

/** GetCapabilities with the events and media services at `origin`. */
export const capabilities = (origin: string) =>
  ENV(`<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Events><tt:XAddr>${origin}/onvif/events</tt:XAddr><tt:WSPullPointSupport>true</tt:WSPullPointSupport></tt:Events><tt:Media><tt:XAddr>${origin}/onvif/media</tt:XAddr></tt:Media></tds:Capabilities></tds:GetCapabilitiesResponse>`);

/** GetServices: device, media and events. */
export const services = (origin: string) =>
  ENV(
    `<tds:GetServicesResponse>${[
      ['http://www.onvif.org/ver10/device/wsdl', '/onvif/device_service'],
      ['http://www.onvif.org/ver10/media/wsdl', '/onvif/media'],
      ['http://www.onvif.org/ver10/events/wsdl', '/onvif/events'],
    ]
      .map(([ns, path]) => `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${origin}${path}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`)
      .join('')}</tds:GetServicesResponse>`,
  );

export const profiles = () => ENV(`<trt:GetProfilesResponse><trt:Profiles token="profile_1" fixed="true"><tt:Name>mainStream</tt:Name></trt:Profiles></trt:GetProfilesResponse>`);

export const snapshotUri = (origin: string) => ENV(`<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>${origin}/onvif/snapshot.jpg</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`);

/** GetEventProperties: the topic set this camera offers. */
export const eventProperties = () =>
  ENV(
    `<tev:GetEventPropertiesResponse><tev:TopicNamespaceLocation>http://www.onvif.org/onvif/ver10/topics/topicns.xml</tev:TopicNamespaceLocation><wsnt:FixedTopicSet>true</wsnt:FixedTopicSet><wstop:TopicSet>` +
      `<tns1:VideoSource><MotionAlarm wstop:topic="true"><tt:MessageDescription IsProperty="true"/></MotionAlarm></tns1:VideoSource>` +
      `<tns1:RuleEngine><CellMotionDetector><Motion wstop:topic="true"><tt:MessageDescription IsProperty="true"/></Motion></CellMotionDetector><TamperDetector><Tamper wstop:topic="true"><tt:MessageDescription IsProperty="true"/></Tamper></TamperDetector></tns1:RuleEngine>` +
      `<tns1:Device><Trigger><DigitalInput wstop:topic="true"><tt:MessageDescription IsProperty="true"/></DigitalInput></Trigger></tns1:Device>` +
      `</wstop:TopicSet></tev:GetEventPropertiesResponse>`,
  );

/** CreatePullPointSubscription answered with `address`, ending `sec` after camera time `now`. */
export const subscription = (address: string, now: number, sec: number) =>
  ENV(`<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa:Address>${esc(address)}</wsa:Address></tev:SubscriptionReference><wsnt:CurrentTime>${iso(now)}</wsnt:CurrentTime><wsnt:TerminationTime>${iso(now + sec * 1000)}</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>`);

/** A notification as the fake queues it. */
export interface FakeNotification {
  topic: string;
  operation: 'Initialized' | 'Changed';
  utc: number;
  source: Record<string, string>;
  data: Record<string, string>;
}

const items = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `<tt:SimpleItem Name="${esc(k)}" Value="${esc(v)}"/>`).join('');

/** PullMessages with `messages`. */
export const pullMessages = (now: number, expires: number, messages: readonly FakeNotification[]) =>
  ENV(
    `<tev:PullMessagesResponse><tev:CurrentTime>${iso(now)}</tev:CurrentTime><tev:TerminationTime>${iso(expires)}</tev:TerminationTime>${messages
      .map(
        (m) =>
          `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${m.topic}</wsnt:Topic><wsnt:Message><tt:Message UtcTime="${new Date(m.utc).toISOString()}" PropertyOperation="${m.operation}"><tt:Source>${items(m.source)}</tt:Source><tt:Data>${items(m.data)}</tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`,
      )
      .join('')}</tev:PullMessagesResponse>`,
  );

export const renewed = (now: number, expires: number) => ENV(`<wsnt:RenewResponse><wsnt:TerminationTime>${iso(expires)}</wsnt:TerminationTime><wsnt:CurrentTime>${iso(now)}</wsnt:CurrentTime></wsnt:RenewResponse>`);
export const unsubscribed = () => ENV('<wsnt:UnsubscribeResponse/>');

/** How far a token's Created may be from the camera's clock; real cameras refuse stale or future tokens too. */
const CREATED_SKEW_MS = 10_000;

/** Whether the envelope's UsernameToken carries the right password digest for `user`, created near camera time `now`. */
export function tokenOk(doc: XmlNode, passwordOf: (user: string) => string | undefined, now: number): boolean {
  const token = at(doc, 'Envelope', 'Header', 'Security', 'UsernameToken');
  const user = text(at(token, 'Username'));
  const digest = text(at(token, 'Password'));
  const nonce = text(at(token, 'Nonce'));
  const created = text(at(token, 'Created'));
  const password = user ? passwordOf(user) : undefined;
  if (!digest || !nonce || !created || password === undefined) return false;
  if (!(Math.abs(Date.parse(created) - now) <= CREATED_SKEW_MS)) return false;
  const expect = Buffer.from(passwordDigest(Buffer.from(nonce, 'base64'), created, password));
  return expect.length === Buffer.byteLength(digest) && timingSafeEqual(expect, Buffer.from(digest));
}

/** The name of the operation in a request envelope's Body. */
export function operationOf(doc: XmlNode): string {
  const body = at(doc, 'Envelope', 'Body');
  return body && typeof body === 'object' && !Array.isArray(body) ? (Object.keys(body)[0] ?? '') : '';
}
