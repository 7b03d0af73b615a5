// Following events until the user stops (`warren events`, `warren efs watch`): wait for Ctrl-C or
// SIGTERM, or for the daemon to go away (an error: the caller exits 3), then unsubscribe politely.
import type { SocketCarrier } from '../socket-carrier.js';

export async function followUntilStopped(carrier: SocketCarrier, subscriptionId: string): Promise<void> {
  let cleanup = (): void => {};
  const ended = await new Promise<Error | undefined>((resolve) => {
    const onSignal = (): void => resolve(undefined);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const offClose = carrier.onClose(resolve);
    cleanup = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      offClose();
    };
  });
  cleanup();
  if (ended) throw ended;
  // Do not hang on a daemon that stopped answering.
  await carrier.call('events.unsubscribe', { subscription_id: subscriptionId }, { timeoutMs: 2_000 }).catch(() => undefined);
}
