// The table of paths every case runs on. `direct` and `openssh-L` are the references.
import { direct } from './direct.js';
import { opensshL } from './openssh.js';
import { warrenConduit } from './warren-conduit.js';
import { warrenSshD, warrenSshL, warrenSshR } from './warren-ssh.js';
import { warrenSsmBasic, warrenSsmMux, warrenSsmPlugin } from './warren-ssm.js';
import type { PathDef } from './types.js';

export type { OpenPath, PathDef, PathInfo, Semantics } from './types.js';

export const PATHS: readonly PathDef[] = [direct, opensshL, warrenSshL, warrenSshR, warrenSshD, warrenConduit, warrenSsmMux, warrenSsmBasic, warrenSsmPlugin];
