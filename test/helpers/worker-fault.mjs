// Preloaded with NODE_OPTIONS=--import into a CLI under test: makes every worker thread fail the
// way HARDSTOP_TEST_WORKER_FAULT says (`throw`: an uncaught error; `exit`: the thread exits early)
// while the main thread runs normally.
import {isMainThread} from 'node:worker_threads';

const fault = process.env.HARDSTOP_TEST_WORKER_FAULT;
if (!isMainThread && fault === 'throw') throw new Error('injected worker fault');
if (!isMainThread && fault === 'exit') process.exit(7);
