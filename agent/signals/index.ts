import { createApiserverSignal } from './apiserver.js';
import { createCertificateSignal } from './certificate.js';
import { createConntrackSignal } from './conntrack.js';
import { createCpuSignal } from './cpu.js';
import { createDiskSignal } from './disk.js';
import { createDnsSignal } from './dns.js';
import { createIdentitySignal } from './identity.js';
import { createIoSignal } from './io.js';
import { createKernelSignal } from './kernel.js';
import { createKubeletSignal } from './kubelet.js';
import { createMemorySignal } from './memory.js';
import { createProcessesSignal } from './processes.js';
import { createRuntimeSignal } from './runtime.js';
import type { Signal, SignalContext } from './signal.js';

/** Every signal the agent samples, in the order they appear in the output. */
export function createSignals(context: SignalContext): Signal[] {
  return [
    createCpuSignal(context),
    createMemorySignal(context),
    createDiskSignal(context),
    createIoSignal(context),
    createProcessesSignal(context),
    createConntrackSignal(context),
    createDnsSignal(context),
    createKubeletSignal(context),
    createRuntimeSignal(context),
    createApiserverSignal(context),
    createCertificateSignal(context),
    createKernelSignal(context),
    createIdentitySignal(context),
  ];
}
