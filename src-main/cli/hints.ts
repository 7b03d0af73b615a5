// The "hint:" line printed under an API error: what to try next. Pure; takes what the error's data
// says and, failing that, what the command was about.
import { ErrorCode, type WarrenError } from '../../src-shared/api/index.js';

export interface HintSubject {
  host?: string;
  name?: string;
}

function field(data: unknown, key: string): string | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const v = (data as Record<string, unknown>)[key];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

export function hintFor(err: Pick<WarrenError, 'code' | 'data'>, subject: HintSubject = {}): string | undefined {
  const host = field(err.data, 'host') ?? subject.host ?? '<host>';
  const name = subject.name ?? '<name>';
  switch (err.code) {
    case ErrorCode.HostKeyUnknown: {
      const fp = field(err.data, 'fingerprint');
      return `${fp ? `the server offered ${field(err.data, 'key_type') ?? 'a'} key ${fp}; ` : ''}run \`warren host trust ${host}\` after checking the fingerprint`;
    }
    case ErrorCode.HostKeyChanged: {
      const file = field(err.data, 'known_hosts_file') ?? 'known_hosts';
      const hostname = field(err.data, 'hostname') ?? host;
      return `the key differs from the one in ${file}: someone may be intercepting the connection. If the server was reinstalled, remove the old key (\`ssh-keygen -R ${hostname}\`) and run \`warren host trust ${host}\``;
    }
    case ErrorCode.PassphraseRequired:
      return `run \`warren host unlock ${host}\` to give the passphrase${field(err.data, 'key_path') ? ` of ${field(err.data, 'key_path')}` : ''}`;
    case ErrorCode.AuthenticationFailed:
      return `check User and IdentityFile for ${host} in your ssh config (\`warren host list\`), or that \`ssh ${host}\` logs in`;
    case ErrorCode.HostNotFound:
      return '`warren host list` shows the hosts in your ssh config; run `warren host reload` after editing it';
    case ErrorCode.RuleNotFound:
      return '`warren forward list` shows the saved forwards';
    case ErrorCode.RuleAlreadyExists:
      return `choose another --name, or remove the old one with \`warren forward delete ${name}\``;
    case ErrorCode.PortConflict:
      return 'another program holds the port: pick another local port or stop that program';
    case ErrorCode.NotConnected:
      return `connect first with \`warren ssh connect ${host}\``;
    case ErrorCode.ConnectionFailed:
      return subject.host ? `check that the host is reachable (\`ssh ${subject.host}\`)` : undefined;
    case ErrorCode.AlreadyRunning:
      return '`warren daemon status` shows the running one; stop it with `warren daemon stop` (or quit the Warren app) to start another';
    case ErrorCode.NotAllowedFromThisDoor:
      return 'browser mode cannot change settings that name a file Warren runs or reads, nor run such methods: use the `warren` CLI (e.g. `warren config set …`) or the Warren window';
    case ErrorCode.LimitExceeded:
      return 'wait for calls in flight to finish, close idle connections, or split a batch into smaller ones';
    case ErrorCode.ShuttingDown:
      return 'the daemon is shutting down; start it again with `warren daemon start`';
    case ErrorCode.EfsScalerNotFound: {
      const scalers = err.data !== null && typeof err.data === 'object' ? (err.data as { scalers?: unknown }).scalers : undefined;
      return Array.isArray(scalers) && scalers.length > 1
        ? `pass --name (one of ${scalers.join(', ')})`
        : '`warren efs list` shows the scalers; `warren efs configure --file-system-id … --directory … --ssm-parameter … --ecs-cluster … --ecs-service … --vpc-id … --security-group-id …` makes one';
    }
    case ErrorCode.EfsConfigInvalid:
      return '`warren efs configure --help` lists the settings; a new scaler needs --file-system-id, --directory, --ssm-parameter, --ecs-cluster, --ecs-service, --vpc-id and --security-group-id';
    case ErrorCode.EfsRunInProgress:
      return `follow it with \`warren efs watch${subject.name ? ` --name ${subject.name}` : ''}\`, then run again`;
    case ErrorCode.EfsParameterNotFound:
      return 'a run publishes it once it adds a mount target; `warren efs status` shows the mount targets there are';
    case ErrorCode.EfsParameterInvalid:
      return 'the parameter must hold {"mount_targets":[{"mount_target_id","ip_address","availability_zone","subnet_id"}]}; the next run that adds a mount target rewrites it';
    // AWS failures carry their hint from the one error table (src-shared/aws/error-table.ts).
    case ErrorCode.AwsCredentialsRejected:
    case ErrorCode.AwsConfigInvalid:
    case ErrorCode.AwsAccessDenied:
    case ErrorCode.AwsRequestFailed:
    case ErrorCode.SsmTargetNotConnected:
      return field(err.data, 'hint');
    case ErrorCode.MethodNotFound:
      return 'the daemon may be older than this CLI: restart it with `warren daemon stop && warren daemon start`';
    default:
      return undefined;
  }
}
