import {MessageChannel, type MessagePort, parentPort, receiveMessageOnPort, type ResourceLimits, Worker, workerData} from 'node:worker_threads';

/*
 * A worker thread that synchronous code can wait on. Requests go to the worker as ordinary
 * messages; answers come back on a port of their own, and a counter in shared memory is
 * bumped after each answer, so the caller blocks in `Atomics.wait` and takes the answer with
 * `receiveMessageOnPort`, never returning to the event loop. A worker that exits (process.exit,
 * an uncaught error) says so on the same port; one that dies without a word (out of memory) is
 * noticed by the caller's timeout.
 */

/** What the caller gets from `receive`. */
export type WorkerAnswer<T> = {kind: 'message'; message: T} | {kind: 'exit'; code: number} | {kind: 'timeout'};

type Envelope<T> = {kind: 'message'; message: T} | {kind: 'exit'; code: number};

/** What the worker finds in its `workerData`. */
interface ChannelData<D> {
  channel: {port: MessagePort; signal: SharedArrayBuffer};
  data: D;
}

/** The caller's side: start a worker script, post requests, block for answers. */
export class BlockingWorker<Request, Answer> {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  private exited: number | null = null;

  constructor(script: URL, data: unknown, resourceLimits?: ResourceLimits) {
    const {port1, port2} = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    this.port = port1;
    this.signal = new Int32Array(signal);
    const channelData: ChannelData<unknown> = {channel: {port: port2, signal}, data};
    this.worker = new Worker(script, {workerData: channelData, transferList: [port2], resourceLimits});
    // An error the worker dies of is answered as `exit` on the port (or noticed by a timeout);
    // the event itself arrives later, if ever, and must not crash the process.
    this.worker.on('error', () => {});
    this.worker.on('exit', (code) => (this.exited = code));
    // Neither the worker nor the port keeps the process alive.
    this.worker.unref();
    this.port.unref();
  }

  post(request: Request): void {
    if (this.exited === null) this.worker.postMessage(request);
  }

  /** The next answer, waiting at most `timeoutMs` (0: only what has already arrived). */
  receive(timeoutMs: number): WorkerAnswer<Answer> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      const got = receiveMessageOnPort(this.port);
      if (got) return got.message as Envelope<Answer>;
      if (this.exited !== null) return {kind: 'exit', code: this.exited};
      const left = deadline - performance.now();
      if (left <= 0) return {kind: 'timeout'};
      Atomics.wait(this.signal, 0, seen, left);
    }
  }

  /** Stops the worker; answers still in flight are dropped. */
  terminate(): void {
    this.port.close();
    void this.worker.terminate();
  }
}

/**
 * The worker's side, called once in the worker script: its data, a way to answer, and the
 * requests. Leaving the thread for any reason is answered as `exit` so that no caller waits on
 * a thread that is gone.
 */
export function blockingWorkerSide<D, Request, Answer>(): {data: D; answer(message: Answer): void; onRequest(handle: (request: Request) => void): void} {
  if (!parentPort) throw new Error('blockingWorkerSide() runs only inside a worker thread');
  const port = parentPort;
  const {channel, data} = workerData as ChannelData<D>;
  const signal = new Int32Array(channel.signal);
  const send = (envelope: Envelope<Answer>) => {
    channel.port.postMessage(envelope);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  process.on('exit', (code) => send({kind: 'exit', code}));
  return {
    data,
    answer: (message) => send({kind: 'message', message}),
    onRequest: (handle) => port.on('message', handle),
  };
}
