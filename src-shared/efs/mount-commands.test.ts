import { describe, expect, it } from 'vitest';
import { mountCommands, NFS_MOUNT_OPTIONS } from './mount-commands.js';
import { decodeMountTargetParameter, type MountTarget } from './mount-targets.js';

const targets = decodeMountTargetParameter(
  JSON.stringify({
    mount_targets: [
      { mount_target_id: 'fsmt-12345678', ip_address: '10.0.1.100', availability_zone: 'ap-northeast-1a', subnet_id: 'subnet-12345678' },
      { mount_target_id: 'fsmt-87654321', ip_address: '10.0.2.100', availability_zone: 'ap-northeast-1c', subnet_id: 'subnet-87654321' },
    ],
  }),
);

describe('mountCommands', () => {
  it('mounts each target over NFS 4.1 with the options AWS recommends, one mount point each, in order', () => {
    expect(mountCommands(targets).map((c) => c.command)).toEqual([
      'mkdir -p /mnt/efs-0 && mount -t nfs4 -o nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport 10.0.1.100:/ /mnt/efs-0',
      'mkdir -p /mnt/efs-1 && mount -t nfs4 -o nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport 10.0.2.100:/ /mnt/efs-1',
    ]);
    expect(mountCommands(targets)[1]).toEqual({
      index: 1,
      mount_target_id: 'fsmt-87654321',
      mount_point: '/mnt/efs-1',
      argv: ['mount', '-t', 'nfs4', '-o', NFS_MOUNT_OPTIONS, '10.0.2.100:/', '/mnt/efs-1'],
      command: expect.stringContaining('10.0.2.100:/ /mnt/efs-1'),
    });
  });

  it('uses amazon-efs-utils over TLS, pinned to each IP, when given the file system id', () => {
    expect(mountCommands(targets, { fileSystemId: 'fs-0123abcd' }).map((c) => c.command)).toEqual([
      'mkdir -p /mnt/efs-0 && mount -t efs -o tls,mounttargetip=10.0.1.100 fs-0123abcd /mnt/efs-0',
      'mkdir -p /mnt/efs-1 && mount -t efs -o tls,mounttargetip=10.0.2.100 fs-0123abcd /mnt/efs-1',
    ]);
  });

  it('refuses anything that would not be safe to paste into a shell', () => {
    expect(() => mountCommands(targets, { fileSystemId: 'fs-1; reboot' })).toThrow('expected a file system id');
    const evil: MountTarget = { ...targets[0]!, ip_address: '10.0.0.1:/ /tmp; rm -rf /' };
    expect(() => mountCommands([evil])).toThrow('mount target 0: expected an IPv4 address');
  });

  it('mounts nothing for no targets', () => {
    expect(mountCommands([])).toEqual([]);
  });
});
