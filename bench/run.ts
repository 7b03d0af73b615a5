// `npm run bench [-- <which>] [-- --quick]`: picks one benchmark. `ssh` (the default) compares
// Warren's SSH forwards with `ssh -N -L`; `conduit` compares Warren's Conduit tunnel with direct,
// socat, stunnel and `ssh -N -L` paths; `ssm` measures native SSM forwarding against the local
// AWS emulator; `soak [--seconds N]` runs mixed traffic on every path for minutes while faults are
// injected (not in CI; exits 1 on any silent truncation or corruption). Each is imported only when
// chosen, so one's failing setup never stops the other from running.
const BENCHES = {
  ssh: async (quick: boolean) => (await import('./ssh/run.js')).runSshBench(quick),
  conduit: async (quick: boolean) => (await import('./conduit/run.js')).runConduitBench(quick),
  ssm: async (quick: boolean) => (await import('./ssm-aws/run.js')).runSsmBench(quick),
  efs: async (quick: boolean) => (await import('./efs/run.js')).runEfsBench(quick),
  soak: async (quick: boolean) => (await import('./soak/run.js')).runSoakBench(quick, process.argv.slice(2)),
} as const;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
// The first word names the benchmark (flags start with '-'; a flag's value, as in `--seconds 60`, is a number).
const which = args.find((a) => /^[a-z]/i.test(a)) ?? 'ssh';

if (!Object.hasOwn(BENCHES, which)) {
  console.error(`unknown benchmark "${which}"; choose one of: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

BENCHES[which as keyof typeof BENCHES](quick).then(
  // A bench may return its exit code (the soak: 1 when a path lost bytes silently).
  (code: number | void) => process.exit(typeof code === 'number' ? code : 0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
