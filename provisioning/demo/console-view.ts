/** One readable line per township message, for the demo's scrolling log (`vgw monitor` is the full console). */
import { parseUplinkTopic } from '../../gateway/kernel/topics.js';

const SEVERITY_MARK: Record<string, string> = { critical: '!!! CRITICAL', major: '!!  major   ', minor: '!   minor   ', info: '    info    ' };

export function describeUplinkMessage(topic: string, payload: Buffer): string | null {
  const where = parseUplinkTopic(topic);
  if (!where) return null; // commands on the way down, or not the contract's
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
  } catch {
    return `${topic} (${payload.length} bytes)`;
  }
  switch (where.kind) {
    case 'event':
      return `${SEVERITY_MARK[String(body.severity)] ?? body.severity} seq=${body.seq} ${body.device} ${body.type} ${JSON.stringify(body.data)}`;
    case 'status':
      return body.online ? `status: ONLINE (backlog ${body.backlog}, version ${body.version})` : `status: OFFLINE (${body.reason})`;
    case 'device-state':
      return `device ${where.device} state: ${body.online ? 'online' : 'offline'} ${JSON.stringify(body.state)}`;
    case 'reply':
      return `reply to command ${where.commandId}: ${body.status}`;
    case 'metrics': {
      const b = body.backlog as { depth: number };
      const e = body.events as { accepted: number; delivered: number };
      return `metrics: backlog ${b.depth}, accepted ${e.accepted}, delivered ${e.delivered}`;
    }
    case 'snapshot':
      return `${topic} (${payload.length} bytes)`;
  }
}
