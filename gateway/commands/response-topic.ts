/**
 * Whether a command's MQTT 5 response topic may be answered on (issue 8, #14b). The response topic is
 * not covered by the signature, so only a verified command's is used, and never one that could pose as
 * contract traffic or that the broker would refuse (a refused publish drops the uplink, and the
 * redelivered command then drops it again).
 */

/** Longest response topic answered; a reply copy is best-effort, not a place for odd inputs. */
const MAX_LENGTH = 256;

export function answerableResponseTopic(topic: string | undefined): topic is string {
  if (!topic || topic.length > MAX_LENGTH) return false;
  // Topic names are case-sensitive [MQTT-4.7.3-1], but township tools may match case-insensitively:
  // `Pingan/...` must not pass where `pingan/...` is refused.
  if (topic.toLowerCase().startsWith('pingan/')) return false;
  // `$` topics belong to the broker [MQTT-4.7.2-1]; wildcards are not allowed in a topic name
  // [MQTT-3.3.2-2]; U+0000 is not allowed in any string [MQTT-1.5.4-2].
  return !topic.startsWith('$') && !/[#+\u0000]/.test(topic);
}
