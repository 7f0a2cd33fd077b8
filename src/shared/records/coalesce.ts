/**
 * One async job at a time, shared by whoever calls while a run waits to start: each caller
 * gets a run that started after its call (so it sees the state as of that call), and any
 * number of concurrent callers cost at most two runs. The group commit of work that reads
 * its input when it starts: forwarding the audit outbox, copying counters to D1.
 */
export class Coalescer<T> {
  private chain: Promise<unknown> = Promise.resolve();
  private queued: Promise<T> | null = null;

  constructor(private readonly job: () => Promise<T>) {}

  /** Queues a run (or joins the queued one); rejects when that run fails. */
  run(): Promise<T> {
    if (this.queued) return this.queued;
    const run = this.chain.then(() => {
      this.queued = null;
      return this.job();
    });
    this.queued = run;
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every run queued so far has finished or failed; never rejects. */
  async settled(): Promise<void> {
    await this.chain;
  }
}
