import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import { AppEvents } from './app-events.js';

describe('AppEvents', () => {
  let errors: string[];

  beforeEach(() => {
    errors = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
  });

  afterEach(() => jest.restoreAllMocks());

  it('hands each payload to the listeners in the order they subscribed, synchronously', () => {
    const bus = new AppEvents();
    const heard: string[] = [];
    bus.on('log.writing', (write) => void heard.push(`first ${write}`));
    bus.on('log.writing', (write) => void heard.push(`second ${write}`));
    bus.emit('log.writing', 3);
    bus.emit('log.writing', 4);
    expect(heard).toEqual(['first 3', 'second 3', 'first 4', 'second 4']);
  });

  it('tells a topic only to its own listeners', () => {
    const bus = new AppEvents();
    const heard: string[] = [];
    bus.on('live.caughtUp', (mode) => void heard.push(mode));
    bus.emit('live.scopeJoined', ['all']);
    bus.emit('live.caughtUp', 'replay');
    expect(heard).toEqual(['replay']);
  });

  it('logs a listener that throws and still calls the ones after it', () => {
    const bus = new AppEvents();
    const heard: string[] = [];
    bus.on('principal.revoked', () => {
      throw new Error('socket layer gone');
    });
    bus.on('principal.revoked', ({ kind, id }) => void heard.push(`${kind}:${id}`));
    bus.emit('principal.revoked', { kind: 'display', id: 'd1' });
    expect(heard).toEqual(['display:d1']);
    expect(errors).toEqual([expect.stringContaining('a principal.revoked listener failed: Error: socket layer gone')]);
  });

  it('logs a listener whose promise rejects instead of leaving the rejection unhandled', async () => {
    const bus = new AppEvents();
    bus.on('kpi.changed', async () => {
      throw new Error('aggregates unreadable');
    });
    bus.emit('kpi.changed', { touched: new Set(['all']), everything: false, seq: 7 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual([expect.stringContaining('a kpi.changed listener failed: Error: aggregates unreadable')]);
  });
});
