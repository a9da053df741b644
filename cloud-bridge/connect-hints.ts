/**
 * What an installer should do about a failed township connection, for `vgw check` and the daemon's
 * `uplink error` log alike (issue 8, finding 21). Node's TLS codes name the cause exactly; a bare
 * ECONNRESET does not (mqtt:// to a TLS port and mqtts:// to a plain port both end that way), so then
 * one TLS handshake to the port tells which side speaks TLS.
 */
import type { Logger } from 'pino';
import { connect as tlsConnect } from 'node:tls';

/** The uplink settings a hint may name. */
export interface HintTarget {
  /** `uplink.url`. */
  url: string;
  /** `uplink.tls`, to tell "no CA set" from "the wrong CA set". */
  tls?: { ca?: string | undefined } | undefined;
}

/** What one TLS handshake to a port found: TLS spoken (with the certificate's dates) or not; null when unknown. */
export type TlsProbeResult = { tls: true; validFrom: string; validTo: string } | { tls: false } | null;

/** Tries one TLS handshake to `host:port`, any certificate accepted. */
export type TlsProbe = (host: string, port: number) => Promise<TlsProbeResult>;

interface TlsError extends Error {
  code?: string;
  host?: string;
  cert?: { subject?: { CN?: string }; subjectaltname?: string; valid_from?: string; valid_to?: string };
}

const UNTRUSTED = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED']);

/** Scheme, host and port of an MQTT URL (mqtt 1883, mqtts 8883 by default). */
function endpoint(url: string): { tls: boolean; host: string; port: number; plainScheme: boolean } | null {
  try {
    const u = new URL(url);
    const tls = u.protocol === 'mqtts:' || u.protocol === 'wss:';
    const host = u.hostname.replace(/^\[|\]$/g, '');
    return { tls, host, port: Number(u.port) || (tls ? 8883 : 1883), plainScheme: u.protocol === 'mqtt:' || u.protocol === 'mqtts:' };
  } catch {
    return null;
  }
}

/** The names a certificate is for: its subjectAltName entries, else its CN. */
function certNames(err: TlsError): string {
  const alt = err.cert?.subjectaltname?.split(',').map((s) => s.trim().replace(/^(DNS|IP Address):/, ''));
  return alt && alt.length > 0 ? alt.join(', ') : (err.cert?.subject?.CN ?? 'another name');
}

/** The hint when the error alone tells; null when only a probe of the port can (a bare reset). */
export function knownHint(err: Error, target: HintTarget): string | null {
  const e = err as TlsError;
  const code = e.code ?? '';
  const at = endpoint(target.url);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `the certificate is for ${certNames(e)}, not ${e.host ?? at?.host ?? 'this host'}: use the name in the certificate in uplink.url`;
  }
  if (UNTRUSTED.has(code)) {
    return target.tls?.ca
      ? `the township's certificate is not signed by the CA in uplink.tls.ca ("${target.tls.ca}"): get the township's own CA file and set uplink.tls.ca to it`
      : "the township's certificate is not signed by a CA this box trusts: set uplink.tls.ca to the township CA file";
  }
  if (code === 'CERT_HAS_EXPIRED') return `the township's certificate expired${e.cert?.valid_to ? ` on ${e.cert.valid_to}` : ''}: the township must renew it (if it is new, check this box's clock: date)`;
  if (code === 'CERT_NOT_YET_VALID') return `the township's certificate is valid only from ${e.cert?.valid_from ?? 'a later date'}: this box's clock is probably wrong (date; see vgw check's clock line)`;
  if (/^ERR_SSL_WRONG_VERSION_NUMBER|^ERR_SSL_.*(PACKET_LENGTH|HTTP_REQUEST)/.test(code) && at?.tls) return 'the port does not speak TLS: use mqtt:// or the TLS port (usually 8883)';
  const text = `${err.message} ${code}`;
  if (/Not authorized|Bad user/i.test(text)) return 'the township refused the username/password: check uplink.username and uplink.passwordFile with the township';
  if (/ECONNREFUSED/.test(text)) return 'nothing listens at that address: check uplink.url (host and port)';
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return "the host name does not resolve: check uplink.url and the box's DNS";
  if (/timeout|ETIMEDOUT/i.test(text)) return 'no answer: check the network route to the township (4G router, firewall)';
  if (/ECONNRESET|EPIPE|socket disconnected before secure TLS/i.test(text)) return null;
  return 'see the error above';
}

/** One TLS handshake to `host:port`, any certificate accepted, at most `timeoutMs`. */
export const probeTls: TlsProbe = (host, port, timeoutMs = 5000) =>
  new Promise((resolve) => {
    const socket = tlsConnect({ host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host, rejectUnauthorized: false, timeout: timeoutMs });
    const done = (v: TlsProbeResult): void => {
      socket.destroy();
      resolve(v);
    };
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      done({ tls: true, validFrom: cert.valid_from, validTo: cert.valid_to });
    });
    socket.once('timeout', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' ? null : { tls: false }));
  });

/** The hint for a failed connection; probes the port only when the error alone cannot tell. */
export async function connectHint(err: Error, target: HintTarget, probe: TlsProbe = probeTls): Promise<string> {
  const e = err as TlsError;
  const at = endpoint(target.url);
  if ((e.code === 'CERT_HAS_EXPIRED' || e.code === 'CERT_NOT_YET_VALID') && !e.cert && at) {
    // mqtt.js's error carries no certificate: fetch its dates for the message.
    const found = await probe(at.host, at.port);
    if (found?.tls) return knownHint(Object.assign(err, { cert: { valid_from: found.validFrom, valid_to: found.validTo } }), target) as string;
  }
  const known = knownHint(err, target);
  if (known !== null) return known;
  const result = at?.plainScheme ? await probe(at.host, at.port) : null;
  const speaksTls = result ? result.tls : null;
  if (at && speaksTls === true && !at.tls) return `the port speaks TLS: use mqtts://${at.host}:${at.port} in uplink.url (and uplink.tls.ca)`;
  if (at && speaksTls === false && at.tls) return 'the port does not speak TLS: use mqtt:// or the TLS port (usually 8883)';
  return "the township closed the connection: check uplink.url's scheme and port with the township, and its broker log";
}

/** Probe results per URL, so a reconnect loop does not probe on every attempt. */
const PROBE_CACHE_MS = 10 * 60_000;

/**
 * Logs an uplink error with its hint (`log.warn({ err, code, hint }, 'uplink error')`): at once when the
 * error tells, after one probe of the port (cached per URL for ten minutes) when it does not.
 */
export function uplinkErrorLogger(log: Logger, target: HintTarget, probe: TlsProbe = probeTls): (err: Error) => void {
  let cached: { at: number; result: Promise<TlsProbeResult> } | null = null;
  const cachedProbe: TlsProbe = (host, port) => {
    if (!cached || Date.now() - cached.at > PROBE_CACHE_MS) cached = { at: Date.now(), result: probe(host, port) };
    return cached.result;
  };
  return (err) => {
    const fields = { err: err.message, code: (err as { code?: unknown }).code };
    const known = knownHint(err, target);
    if (known !== null) log.warn({ ...fields, hint: known }, 'uplink error');
    else void connectHint(err, target, cachedProbe).then((hint) => log.warn({ ...fields, hint }, 'uplink error'));
  };
}
