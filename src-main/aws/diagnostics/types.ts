// What every diagnostic check receives and returns. The result shapes live in src-shared (they
// cross the API); this file holds the main-process side only.
import type { AwsClients } from '../aws-clients.js';
import type { DiagnosticItemName, DiagnosticResult } from '../../../src-shared/api/diagnostics.js';

export interface CheckContext {
  aws: AwsClients;
  instanceId: string;
  /** The local end of the forward; absent: local_port_availability is skipped. */
  localPort?: number;
  remotePort?: number;
  /** TCP connect timeout for network_connectivity; default 3000 ms. */
  connectTimeoutMs?: number;
}

export type DiagnosticCheck = (ctx: CheckContext) => Promise<DiagnosticResult>;

/** A check's verdict before timing is added (see define-check.ts). */
export type CheckOutcome = Omit<DiagnosticResult, 'item' | 'duration_ms'>;

export type { DiagnosticItemName, DiagnosticResult };
