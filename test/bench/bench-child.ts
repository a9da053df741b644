/** A benchmark's child process (simulator, consumer) over IPC: its latest report, started and stopped. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const HERE = new URL('.', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Report {
  published?: number;
  acked?: number;
  replayed?: number;
  received?: number;
  stored?: number;
  rssMiB?: number;
  heapMiB?: number;
  cpuMs?: number;
  commits?: number;
  /** Archive lag of the live events since the last report (ms). */
  lagP50?: number | null;
  lagP99?: number | null;
  lagN?: number;
  ready?: unknown;
}

export class Child {
  last: Report = {};
  readonly proc: ChildProcess;
  private readonly ready: Promise<void>;
  constructor(file: string, args: string[]) {
    this.proc = fork(join(HERE, file), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve, reject) => {
      this.proc.on('message', (m: Report) => (m.ready !== undefined ? resolve() : (this.last = m)));
      this.proc.once('exit', (code) => reject(new Error(`${file} exited (${code})`)));
    });
  }
  start(): Promise<void> {
    return this.ready;
  }
  async stop(): Promise<void> {
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.send({ stop: true });
    await Promise.race([exited, sleep(5000)]);
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}
