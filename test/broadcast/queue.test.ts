/**
 * The loudspeaker queue end to end on simulated sound (commands signed and sent over a township broker,
 * replies and events validated against the contract): a notice is accepted then done; an emergency
 * preempts a normal notice at once with a chime first and the normal one plays again; cancel during
 * playback; expiry; refusals with reasons; a replayed id never plays twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../provisioning/demo/township-broker.js';
import { TownshipProbe } from '../support/township.js';
import { Operator, broadcastEvents, outcome, replies, startVillage, type Village } from './support.js';

const LONG = '各位村民请注意，明天上午八点到十二点停电检修，请提前做好准备。'.repeat(2); // ~1.5 s here
const URGENT = '紧急通知：水库泄洪，请河边住户马上撤离';

describe('broadcast queue', () => {
  const township = new EmbeddedBroker();
  let probe: TownshipProbe;
  let op: Operator;
  let v: Village;
  const GW = '370283104-bc-01';

  const playing = (label: string) => v.audio.plays.find((p) => p.label === `text:${label}` && p.endedAt === null);
  const waitPlaying = (label: string) => probe.waitFor(() => playing(label) !== undefined, 5000, `"${label.slice(0, 8)}…" playing`);

  beforeAll(async () => {
    await township.start();
    probe = await TownshipProbe.connect(township.url, 'probe-bc', 4);
    op = await Operator.connect(township.url);
    v = await startVillage({ uplinkUrl: township.url, gatewayId: GW });
    await probe.waitFor(() => v.gateway.inspect().commandsReady, 10_000, 'command subscription');
  });
  afterAll(async () => {
    await v?.gateway.stop();
    await op?.close();
    await probe?.close();
    await township.stop();
  });

  it('plays a notice: accepted, started, finished, done; amplifier on before the sound and off after idle', async () => {
    const id = await op.send('broadcast', GW, { text: '今天下午三点村委会开会', volume: 65 });
    expect((await outcome(probe, id)).map((r) => r.status)).toEqual(['accepted', 'done']);
    expect(broadcastEvents(probe, id)).toEqual(['broadcast.queued', 'broadcast.started', 'broadcast.finished']);
    const play = v.audio.plays.find((p) => p.label === 'text:今天下午三点村委会开会')!;
    expect(play).toMatchObject({ device: 'speaker-main', volume: 65, completed: true });
    expect(v.audio.volumes.at(-1)).toMatchObject({ device: 'speaker-main', percent: 65 });
    await probe.waitFor(() => v.amp.switches.length === 2, 3000, 'amplifier off');
    const [on, off] = v.amp.switches;
    expect(on!.on && !off!.on).toBe(true);
    expect(play.startedAt - on!.at).toBeGreaterThanOrEqual(35); // warm-up 40 ms (timer granularity)
    expect(off!.at - play.endedAt!).toBeGreaterThanOrEqual(280); // idle 0.3 s
    expect(probe.invalid).toEqual([]);
  });

  it('an emergency preempts a normal notice at once, chime first, and the normal notice plays again after', async () => {
    const normal = await op.send('broadcast', GW, { text: LONG });
    await waitPlaying(LONG);
    const sentAt = Date.now();
    const emergency = await op.send('broadcast', GW, { text: URGENT, priority: 'emergency' });
    await outcome(probe, emergency);
    expect((await outcome(probe, normal)).map((r) => r.status)).toEqual(['accepted', 'done']);
    const from = v.audio.plays.findIndex((p) => p.label === `text:${LONG}`);
    const order = v.audio.plays.slice(from).map((p) => [p.label.slice(0, 12), p.completed]);
    expect(order).toEqual([[`text:${LONG.slice(0, 7)}`, false], ['sound:chime', true], [`text:${URGENT.slice(0, 7)}`, true], [`text:${LONG.slice(0, 7)}`, true]]);
    expect(v.audio.plays[from]!.endedAt! - sentAt).toBeLessThan(500);
    expect(broadcastEvents(probe, normal)).toEqual(['broadcast.queued', 'broadcast.started', 'broadcast.preempted', 'broadcast.started', 'broadcast.finished']);
    expect(broadcastEvents(probe, emergency)).toEqual(['broadcast.queued', 'broadcast.started', 'broadcast.finished']);
    expect(replies(probe, emergency).map((r) => r.status)).toEqual(['accepted', 'done']);
    expect(probe.invalid).toEqual([]);
  });

  it('cancel during playback stops the sound; the cancel is done and the notice fails as cancelled', async () => {
    const id = await op.send('broadcast', GW, { text: `取消测试${LONG}` });
    await waitPlaying(`取消测试${LONG}`);
    const cancel = await op.send('broadcast.cancel', GW, { broadcastId: id });
    expect((await outcome(probe, cancel)).map((r) => r.status)).toEqual(['done']);
    const [, final] = await outcome(probe, id);
    expect(final).toMatchObject({ status: 'failed', error: { code: 'cancelled' } });
    expect(v.audio.plays.find((p) => p.label === `text:取消测试${LONG}`)).toMatchObject({ completed: false });
    expect(broadcastEvents(probe, id)).toEqual(['broadcast.queued', 'broadcast.started', 'broadcast.cancelled']);
    const again = await op.send('broadcast.cancel', GW, { broadcastId: id });
    expect((await outcome(probe, again))[0]).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/already ended \(cancelled\)/) } });
  });

  it('a notice still waiting at its expiry is dropped with a failed reply and never played', async () => {
    const first = await op.send('broadcast', GW, { text: `过期测试${LONG}` });
    await waitPlaying(`过期测试${LONG}`);
    const late = await op.send('broadcast', GW, { text: '这条通知会过期' }, { lifetimeMs: 600 });
    const [, final] = await outcome(probe, late);
    expect(final).toMatchObject({ status: 'failed', error: { code: 'expired', message: expect.stringMatching(/after 0 of 1 plays/) } });
    expect(broadcastEvents(probe, late)).toEqual(['broadcast.queued', 'broadcast.expired']);
    await outcome(probe, first);
    expect(v.audio.plays.some((p) => p.label === 'text:这条通知会过期')).toBe(false);
  });

  it.each([
    [{ text: '两种内容', sound: 'chime' }, /exactly one of text, sound or url/],
    [{ sound: 'trumpet' }, /no sound "trumpet" on this gateway; it has: alarm, chime/],
    [{ text: '找不到喇叭', speakers: ['speaker-nowhere'] }, /no loudspeaker "speaker-nowhere"/],
    [{ url: 'https://example.org/a.mp3' }, /sha256: required with url/],
    [{ text: '音量', volume: 150 }, /volume/],
  ])('refuses %j with the reason', async (params, reason) => {
    const id = await op.send('broadcast', GW, params);
    const [reply] = await outcome(probe, id);
    expect(reply).toMatchObject({ status: 'rejected', error: { code: 'invalid', message: expect.stringMatching(reason) } });
  });

  it('plays a replayed command id once: the replay is rejected', async () => {
    const signed = Operator.sign('broadcast', GW, { sound: 'alarm', volume: 90 });
    await op.publish(signed);
    await outcome(probe, signed.id);
    await op.publish(signed);
    await probe.waitFor(() => replies(probe, signed.id).length === 3, 5000, 'replay reply');
    expect(replies(probe, signed.id).map((r) => [r.status, (r.error as { code?: string } | undefined)?.code])).toEqual([['accepted', undefined], ['done', undefined], ['rejected', 'replayed']]);
    expect(v.audio.plays.filter((p) => p.label === 'sound:alarm')).toHaveLength(1);
  });
});
