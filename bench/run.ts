// `npm run bench [-- <which>] [-- --quick]`: picks one benchmark. `ssh` (the default) compares
// Warren's SSH forwards with `ssh -N -L`; `conduit` compares Warren's Conduit tunnel with direct,
// socat, stunnel and `ssh -N -L` paths; `ssm` measures native SSM forwarding against the local
// AWS emulator. Each is imported only when chosen, so one's failing setup
// never stops the other from running.
const BENCHES = {
  ssh: async (quick: boolean) => (await import('./ssh/run.js')).runSshBench(quick),
  conduit: async (quick: boolean) => (await import('./conduit/run.js')).runConduitBench(quick),
  ssm: async (quick: boolean) => (await import('./ssm-aws/run.js')).runSsmBench(quick),
  efs: async (quick: boolean) => (await import('./efs/run.js')).runEfsBench(quick),
} as const;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const which = args.find((a) => !a.startsWith('-')) ?? 'ssh';

if (!Object.hasOwn(BENCHES, which)) {
  console.error(`unknown benchmark "${which}"; choose one of: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

BENCHES[which as keyof typeof BENCHES](quick).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
