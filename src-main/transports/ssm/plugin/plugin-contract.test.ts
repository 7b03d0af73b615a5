import { describe, expect, it } from 'vitest';
import { buildPluginInvocation, listeningPort, openedPort, RESPONSE_ENV_NAME, supportsEnvResponse } from './plugin-contract.js';

const response = { SessionId: 's-1', TokenValue: 'secret-token', StreamUrl: 'wss://ssmmessages.example/v1/data-channel/s-1' };
const request = { Target: 'i-1', DocumentName: 'AWS-StartPortForwardingSession', Parameters: { portNumber: ['5432'], localPortNumber: ['40000'] } };

describe('session-manager-plugin contract', () => {
  it('builds the AWS CLI argv: response, region, operation, profile, request, endpoint', () => {
    const argv = buildPluginInvocation({ response, region: 'eu-west-1', profile: undefined, request, endpoint: 'https://ssm.eu-west-1.amazonaws.com', responseInEnv: false });
    expect(argv.args).toEqual([JSON.stringify(response), 'eu-west-1', 'StartSession', '', JSON.stringify(request), 'https://ssm.eu-west-1.amazonaws.com']);
    expect(argv.env).toEqual({});
  });

  it('moves the response (and its token) into the environment for plugins that read it there', () => {
    const inv = buildPluginInvocation({ response, region: 'eu-west-1', profile: 'prod', request, endpoint: '', responseInEnv: true });
    expect(inv.args[0]).toBe(RESPONSE_ENV_NAME);
    expect(inv.args[3]).toBe('prod');
    expect(inv.args.join(' ')).not.toContain('secret-token');
    expect(JSON.parse(inv.env[RESPONSE_ENV_NAME]!)).toEqual(response);
  });

  it('compares versions as aws-cli does: strictly newer than 1.2.497.0, junk is old', () => {
    expect(supportsEnvResponse('1.2.707.0\n')).toBe(true);
    expect(supportsEnvResponse('1.2.498')).toBe(true);
    expect(supportsEnvResponse('1.2.497.0')).toBe(false);
    expect(supportsEnvResponse('1.2.497')).toBe(false);
    expect(supportsEnvResponse('1.1.61.0')).toBe(false);
    expect(supportsEnvResponse('version 1.2.707.0')).toBe(false);
  });

  it('reads the port from the plugin\'s "Port … opened" line', () => {
    expect(openedPort('\nStarting session with SessionId: s-1\nPort 40000 opened for sessionId s-1.\nWaiting for connections...\n')).toBe(40000);
    expect(openedPort('Starting session with SessionId: s-1\n')).toBeUndefined();
  });

  it('knows the plugin listens from what each mode really prints (mux and basic port forwarding)', () => {
    const start = '\nStarting session with SessionId: user-0a1b\n';
    // muxportforwarding.go: Printf("%s", msg) then Printf("\nWaiting for connections...\n").
    expect(listeningPort(`${start}Port 40000 opened for sessionId user-0a1b.\nWaiting for connections...\n`)).toBe(40000);
    // basicportforwarding.go (agents ≤ 3.0.196.0): Println(msg) only.
    expect(listeningPort(`${start}Port 40001 opened for sessionId user-0a1b.\n`)).toBe(40001);
    // Not yet: nothing, or the mux line before its newline arrived (the pipe may split it).
    expect(listeningPort(start)).toBeUndefined();
    expect(listeningPort(`${start}Port 40000 opened for sessionId user-0a1b.`)).toBeUndefined();
  });
});
