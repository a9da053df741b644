/** `vgw send` flags → command parameters, as the operator types them. */
import { describe, expect, it } from 'vitest';
import { broadcastParams, ids, intIn, time } from '../../provisioning/township/commands/send-params.js';

describe('send broadcast parameters', () => {
  it('carries exactly one source, the priority and only the options given', () => {
    expect(broadcastParams({ text: '今晚有雨，请关好门窗', priority: 'normal' })).toEqual({ text: '今晚有雨，请关好门窗', priority: 'normal' });
    expect(broadcastParams({ sound: 'fire-drill', priority: 'emergency', repeat: 3, interval: 60, volume: 90, speakers: ['east', 'west'] })).toEqual({
      sound: 'fire-drill', priority: 'emergency', repeat: 3, interval: 60, volume: 90, speakers: ['east', 'west'],
    });
    const sha256 = 'a'.repeat(64);
    expect(broadcastParams({ url: 'https://t.example/n.mp3', sha256, maxBytes: 1_000_000, priority: 'normal', at: '2026-11-24T07:30:00.000+08:00' })).toEqual({ url: 'https://t.example/n.mp3', sha256, maxBytes: 1_000_000, priority: 'normal', at: '2026-11-24T07:30:00.000+08:00' });
  });

  it('refuses what an operator gets wrong, saying how to fix it', () => {
    expect(() => broadcastParams({ priority: 'normal' })).toThrow(/exactly one of --text, --sound or --url/);
    expect(() => broadcastParams({ text: 'a', sound: 'b', priority: 'normal' })).toThrow(/exactly one/);
    expect(() => broadcastParams({ url: 'https://t.example/n.mp3', priority: 'normal' })).toThrow(/--sha256/);
    expect(() => broadcastParams({ text: 'a', sha256: 'a'.repeat(64), priority: 'normal' })).toThrow(/--sha256 and --max-bytes belong to --url/);
    expect(() => broadcastParams({ text: 'a', interval: 30, priority: 'normal' })).toThrow(/--repeat/);
  });

  it('parses numbers, id lists and times', () => {
    expect(intIn(0, 100)('85')).toBe(85);
    expect(() => intIn(0, 100)('101')).toThrow(/0 to 100/);
    expect(() => intIn(1, 10)('2.5')).toThrow();
    expect(ids(' east-gate, west-gate ,')).toEqual(['east-gate', 'west-gate']);
    expect(() => ids(',')).toThrow();
    expect(Date.parse(time('2026-11-24T07:30+08:00'))).toBe(Date.parse('2026-11-23T23:30:00Z'));
    expect(() => time('tomorrow')).toThrow(/2026-11-24T07:30/);
  });
});
