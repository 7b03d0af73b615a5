// How an installed session-manager-plugin is invoked, copied from the two ends of the real
// contract rather than from its documentation (there is none for this CLI):
//
// - aws/session-manager-plugin src/sessionmanagerplugin/session/session.go and
//   src/sessionmanagerplugin-main/main.go,
//   ValidateInputAndStartSession: argv[1] the StartSession response JSON {SessionId, TokenValue,
//   StreamUrl} — or, when argv[1] starts with "AWS_SSM_START_SESSION_RESPONSE", the name of an
//   environment variable holding it (the plugin unsets it) —, argv[2] region, argv[3]
//   "StartSession", argv[4] profile ("" for none), argv[5] the StartSession request JSON (only
//   "Target" is read), argv[6] the SSM endpoint URL (the plugin's own ResumeSession and
//   TerminateSession calls use it). It prints its own errors ("Cannot perform start session: …")
//   to the writer main.go hands it — os.Stdout in current versions, os.Stderr in older ones —
//   and exits 0 even when it could not start, so neither the exit code nor one stream alone
//   tells what went wrong.
// - aws/aws-cli awscli/customizations/sessionmanager.py, StartSessionCaller.invoke: runs
//   `session-manager-plugin --version` first and uses the environment-variable form only when the
//   version is strictly greater than 1.2.497.0 (LAST_PLUGIN_VERSION_WITHOUT_ENV_VAR); it passes
//   client.meta.endpoint_url and `--profile` (or "").
// - portsession/portsession.go + muxportforwarding.go: the local port is NOT read from argv but
//   from the session properties the agent echoes in its handshake, i.e. from the document's
//   localPortNumber parameter in StartSession. The plugin listens on "localhost:<port>" and then,
//   on stdout, what it prints depends on the mode the agent's version selects (portsession.go
//   Initialize, DoesAgentSupportTCPMultiplexing: agents newer than 3.0.196.0 multiplex):
//   muxportforwarding.go handleClientConnections prints "Port <port> opened for sessionId <id>."
//   (Printf, no newline) then "\nWaiting for connections...\n"; basicportforwarding.go
//   startLocalListener prints only "Port <port> opened for sessionId <id>.\n" (Println) and never
//   the "Waiting" line. Both print after net.Listen returned, so the complete "Port … opened" line
//   is the one readiness signal both modes give.

export const START_SESSION_OPERATION = 'StartSession';
/** The plugin treats any argv[1] with this prefix as the name of the variable holding the response. */
export const RESPONSE_ENV_NAME = 'AWS_SSM_START_SESSION_RESPONSE';
/** aws-cli's LAST_PLUGIN_VERSION_WITHOUT_ENV_VAR: only newer plugins read the response from the environment. */
export const LAST_VERSION_WITHOUT_ENV_RESPONSE = '1.2.497.0';
/** Printed in mux mode only (muxportforwarding.go); kept as a second ready signal. */
export const READY_TEXT = 'Waiting for connections...';
const OPENED_PORT = /Port (\d+) opened for sessionId /;
/** The whole "Port N opened for sessionId ID." line: its newline is Println's (basic) or the "\nWaiting" that follows (mux). */
const OPENED_PORT_LINE = /Port (\d+) opened for sessionId \S+\.\r?\n/;

export interface StartSessionResponse {
  SessionId: string;
  TokenValue: string;
  StreamUrl: string;
}

/** What was sent to StartSession; argv[5] is this, as the CLI passes its own parameters. */
export interface StartSessionRequest {
  Target: string;
  DocumentName: string;
  Parameters: Record<string, string[]>;
  Reason?: string;
}

export interface PluginInvocation {
  args: string[];
  /** Variables to add to the plugin's environment (the response, in the env form). */
  env: Record<string, string>;
}

export function buildPluginInvocation(input: {
  response: StartSessionResponse;
  region: string;
  profile: string | undefined;
  request: StartSessionRequest;
  endpoint: string;
  /** Pass the response in the environment: keeps the session token out of every `ps` listing. */
  responseInEnv: boolean;
}): PluginInvocation {
  const response = JSON.stringify({ SessionId: input.response.SessionId, TokenValue: input.response.TokenValue, StreamUrl: input.response.StreamUrl });
  const first = input.responseInEnv ? RESPONSE_ENV_NAME : response;
  return {
    args: [first, input.region, START_SESSION_OPERATION, input.profile ?? '', JSON.stringify(input.request), input.endpoint],
    env: input.responseInEnv ? { [RESPONSE_ENV_NAME]: response } : {},
  };
}

/** aws-cli's VersionRequirement: whitespace stripped, 1 to 4 numeric parts, strictly newer than the minimum. */
export function supportsEnvResponse(versionOutput: string): boolean {
  const v = versionOutput.replace(/\s+/g, '');
  if (!/^\d+(\.\d+){0,3}$/.test(v)) return false;
  const a = v.split('.').map(Number);
  const b = LAST_VERSION_WITHOUT_ENV_RESPONSE.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return false;
}

/**
 * The port the plugin listens on, once its stdout says it is listening, in either mode (see the
 * header); undefined until then.
 */
export function listeningPort(stdout: string): number | undefined {
  const m = OPENED_PORT_LINE.exec(stdout);
  if (m) return Number(m[1]);
  return stdout.includes(READY_TEXT) ? (openedPort(stdout) ?? 0) : undefined;
}

/** The port the plugin says it opened, when its stdout says so. */
export function openedPort(stdout: string): number | undefined {
  const m = OPENED_PORT.exec(stdout);
  return m ? Number(m[1]) : undefined;
}
