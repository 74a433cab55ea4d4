#!/usr/bin/env node
import {setFlagsFromString} from 'node:v8';
import {execute} from '@oclif/core/execute';

// V8 lets the old generation grow to up to 4× what survived the last full collection. Almost
// everything a run allocates dies young, so a fixed 1.25× keeps peak memory near the live set
// for ~3 % more CPU (a 50,000-item run: 706 → 376 MiB; docs/BENCHMARK.md). A value the user
// passes to node (NODE_OPTIONS or the command line) wins.
const nodeFlags = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`;
if (!/--heap[-_]growing[-_]percent/.test(nodeFlags)) setFlagsFromString('--heap-growing-percent=25');

await execute({dir: import.meta.url});
