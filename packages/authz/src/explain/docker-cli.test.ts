import { resolve } from 'node:path';
import { decodeRequestInputs } from '../decode/request-inputs.js';
import { matchRoute } from '../engine/routes.js';
import { DockerArgsError, requestFromDockerArgs } from './docker-cli.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function explain(line: string[]): { method: string; uri: string; body: unknown } {
  const request = requestFromDockerArgs(line);
  return { method: request.method, uri: request.uri, body: request.body === undefined ? undefined : JSON.parse(request.body.toString('utf8')) };
}

const create = (body: Record<string, unknown>, query = ''): { method: string; uri: string; body: unknown } => ({
  method: 'POST',
  uri: `/containers/create${query}`,
  body: { Labels: {}, HostConfig: {}, ...body },
});

// Each command line → the request the docker CLI (28.x) sends for it.
const CASES: Array<[string[], { method: string; uri: string; body: unknown }]> = [
  // Flags are per command: volume create's -d is the driver, run's -d is detach.
  [['volume', 'create', '-d', 'nfs', 'v'], { method: 'POST', uri: '/volumes/create', body: { Driver: 'nfs', DriverOpts: {}, Labels: {}, Name: 'v' } }],
  [['volume', 'create', 'v', '--driver=nfs', '-o', 'type=nfs', '-o', 'o'], { method: 'POST', uri: '/volumes/create', body: { Driver: 'nfs', DriverOpts: { type: 'nfs', o: '' }, Labels: {}, Name: 'v' } }],
  [['volume', 'create'], { method: 'POST', uri: '/volumes/create', body: { Driver: 'local', DriverOpts: {}, Labels: {}, Name: '' } }],
  [['run', '-d', 'alpine'], create({ Image: 'alpine' })],
  [['docker', 'run', '-dit', '--rm', 'alpine', 'sh', '-c', 'echo -d'], create({ Image: 'alpine', Cmd: ['sh', '-c', 'echo -d'], Tty: true, OpenStdin: true, HostConfig: { AutoRemove: true } })],
  [['create', '--rm=false', '-m512m', 'alpine'], create({ Image: 'alpine', HostConfig: { Memory: 512 * MiB } })],
  [
    ['run', '--shm-size', '64m', '--memory=1.5g', '--oom-kill-disable', '--pids-limit', '100', '--ulimit', 'nofile=1024:2048', '--ulimit', 'nproc=512',
      '--log-driver', 'json-file', '--log-opt', 'max-size=10m', '--log-opt', 'max-file=3', '--restart', 'on-failure:5',
      '--tmpfs', '/run', '--tmpfs', '/tmp:size=64m,mode=1777', '--mount', 'type=tmpfs,dst=/cache,tmpfs-size=128m', 'alpine'],
    create({
      Image: 'alpine',
      HostConfig: {
        Mounts: [{ Type: 'tmpfs', Target: '/cache', TmpfsOptions: { SizeBytes: 128 * MiB } }],
        Memory: 1.5 * GiB,
        ShmSize: 64 * MiB,
        OomKillDisable: true,
        PidsLimit: 100,
        Ulimits: [{ Name: 'nofile', Hard: 2048, Soft: 1024 }, { Name: 'nproc', Hard: 512, Soft: 512 }],
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 },
        LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
        Tmpfs: { '/run': '', '/tmp': 'size=64m,mode=1777' },
      },
    }),
  ],
  [['run', '--log-opt', 'max-size=1g', '--restart=always', '--shm-size=2GB', 'alpine'],
    create({ Image: 'alpine', HostConfig: { ShmSize: 2 * GiB, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 }, LogConfig: { Type: '', Config: { 'max-size': '1g' } } } })],
  // A single user-defined network sends no endpoint configuration (dockerd makes it); several send one each.
  [['run', '--network', 'mynet', 'alpine'], create({ Image: 'alpine', HostConfig: { NetworkMode: 'mynet' }, NetworkingConfig: { EndpointsConfig: {} } })],
  [['run', '--net=a', '--network', 'b', 'alpine'], create({ Image: 'alpine', HostConfig: { NetworkMode: 'a' }, NetworkingConfig: { EndpointsConfig: { a: {}, b: {} } } })],
  [['run', '--name', 'web', '--platform', 'linux/AMD64', '-l', 'dockauth.owner=alice', 'alpine'],
    create({ Image: 'alpine', Labels: { 'dockauth.owner': 'alice' } }, '?name=web&platform=linux%2Famd64')],
  [['run', '-v', './data:/data', '-v', '/cache', '-v', 'vol:/v:ro', 'alpine'],
    create({ Image: 'alpine', Volumes: { '/cache': {} }, HostConfig: { Binds: [`${resolve('data')}:/data`, 'vol:/v:ro'] } })],
  [['run', '--mount', 'type=bind,src=/home/alice,dst=/h,readonly,bind-propagation=rshared', '--mount', 'source=v,target=/v,volume-opt=device=/etc', 'alpine'],
    create({ Image: 'alpine', HostConfig: { Mounts: [
      { Type: 'bind', Source: '/home/alice', Target: '/h', ReadOnly: true, BindOptions: { Propagation: 'rshared' } },
      { Type: 'volume', Source: 'v', Target: '/v', VolumeOptions: { Labels: {}, DriverConfig: { Options: { device: '/etc' } } } },
    ] } })],
  [['run', '--security-opt', 'systempaths=unconfined', '--security-opt', 'no-new-privileges', '--cpus', '1.5', '--init', 'alpine'],
    create({ Image: 'alpine', HostConfig: { SecurityOpt: ['no-new-privileges'], MaskedPaths: [], ReadonlyPaths: [], NanoCPUs: 1_500_000_000, Init: true } })],
  [['container', 'create', '-u', '1001:1001', '--', 'alpine', 'id'], create({ Image: 'alpine', User: '1001:1001', Cmd: ['id'] })],
  [['exec', '-it', '-u', '1001:1001', 'web', 'sh'],
    { method: 'POST', uri: '/containers/web/exec', body: { User: '1001:1001', Tty: true, AttachStdin: true, AttachStdout: true, AttachStderr: true, Cmd: ['sh'] } }],
  [['exec', '-d', 'web', 'touch', '/x'], { method: 'POST', uri: '/containers/web/exec', body: { Cmd: ['touch', '/x'] } }],
  [['ps'], { method: 'GET', uri: '/containers/json', body: undefined }],
  [['ps', '-a'], { method: 'GET', uri: '/containers/json?all=1', body: undefined }],
  [['container', 'ls', '-aq', '-n', '3', '-f', 'status=exited', '--filter', 'name=web'],
    { method: 'GET', uri: '/containers/json?all=1&filters=%7B%22name%22%3A%7B%22web%22%3Atrue%7D%2C%22status%22%3A%7B%22exited%22%3Atrue%7D%7D&limit=3', body: undefined }],
  [['ps', '-l', '-s'], { method: 'GET', uri: '/containers/json?limit=1&size=1', body: undefined }],
  // The CLI splits the tag off a normalized name and adds "latest" to a bare one.
  [['pull', 'busybox'], { method: 'POST', uri: '/images/create?fromImage=docker.io%2Flibrary%2Fbusybox&tag=latest', body: undefined }],
  [['pull', 'alice/tool:1.0'], { method: 'POST', uri: '/images/create?fromImage=docker.io%2Falice%2Ftool&tag=1.0', body: undefined }],
  [['pull', '-a', 'busybox'], { method: 'POST', uri: '/images/create?fromImage=docker.io%2Flibrary%2Fbusybox', body: undefined }],
  [['pull', `busybox@${DIGEST}`], { method: 'POST', uri: `/images/create?fromImage=docker.io%2Flibrary%2Fbusybox&tag=sha256%3A${'ab'.repeat(32)}`, body: undefined }],
  [['image', 'pull', '--platform', 'linux/arm64', 'reg.example.org:5000/team/app:2'],
    { method: 'POST', uri: '/images/create?fromImage=reg.example.org%3A5000%2Fteam%2Fapp&platform=linux%2Farm64&tag=2', body: undefined }],
  [
    ['build', '-t', 'alice/x:1', '-t', 'alice/x', '--network', 'none', '--build-arg', 'A=1 2', '--build-arg', 'DOCKAUTH_TEST_UNSET_ARG',
      '--shm-size', '1g', '--cgroup-parent', 'cg', '--ulimit', 'nofile=1024', '.'],
    {
      method: 'POST',
      uri: '/build?buildargs=%7B%22A%22%3A%221+2%22%2C%22DOCKAUTH_TEST_UNSET_ARG%22%3Anull%7D&cgroupparent=cg&dockerfile=Dockerfile&networkmode=none' +
        '&shmsize=1073741824&t=alice%2Fx%3A1&t=alice%2Fx&ulimits=%5B%7B%22Name%22%3A%22nofile%22%2C%22Hard%22%3A1024%2C%22Soft%22%3A1024%7D%5D&version=1',
      body: undefined,
    },
  ],
  [['build', '--network=default', '-q', '--no-cache', '--rm=false', '.'], { method: 'POST', uri: '/build?dockerfile=Dockerfile&nocache=1&q=1&rm=0&version=1', body: undefined }],
  // The CLI fetches a URL context itself and sends it as the body: no remote=.
  [['build', 'https://example.org/ctx.tar.gz'], { method: 'POST', uri: '/build?dockerfile=Dockerfile&version=1', body: undefined }],
  [
    ['network', 'create', '-d', 'macvlan', '-o', 'parent=eth0', '--internal', '--label', 'a=b', 'n1'],
    {
      method: 'POST',
      uri: '/networks/create',
      body: {
        Driver: 'macvlan', Scope: '', IPAM: { Driver: 'default', Options: {}, Config: [] }, Internal: true, Attachable: false, Ingress: false,
        ConfigOnly: false, ConfigFrom: null, Options: { parent: 'eth0' }, Labels: { a: 'b' }, Name: 'n1',
      },
    },
  ],
  [['network', 'rm', 'n1'], { method: 'DELETE', uri: '/networks/n1', body: undefined }],
  [
    ['network', 'connect', 'n1', 'web'],
    {
      method: 'POST',
      uri: '/networks/n1/connect',
      body: {
        Container: 'web',
        EndpointConfig: {
          IPAMConfig: {}, Links: null, Aliases: [], MacAddress: '', DriverOpts: {}, GwPriority: 0, NetworkID: '', EndpointID: '', Gateway: '',
          IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
        },
      },
    },
  ],
  [['volume', 'rm', 'v'], { method: 'DELETE', uri: '/volumes/v', body: undefined }],
  [['volume', 'rm', '-f', 'v'], { method: 'DELETE', uri: '/volumes/v?force=1', body: undefined }],
  [['rm', 'web'], { method: 'DELETE', uri: '/containers/web', body: undefined }],
  [['rm', '-fv', 'web'], { method: 'DELETE', uri: '/containers/web?force=1&v=1', body: undefined }],
  [['stop', 'web'], { method: 'POST', uri: '/containers/web/stop', body: undefined }],
  [['stop', '-t', '5', '-s', 'SIGINT', 'web'], { method: 'POST', uri: '/containers/web/stop?signal=SIGINT&t=5', body: undefined }],
  [['start', 'web'], { method: 'POST', uri: '/containers/web/start', body: undefined }],
  [['logs', 'web'], { method: 'GET', uri: '/containers/web/logs?stderr=1&stdout=1&tail=all', body: undefined }],
  [['logs', '-ft', '-n', '10', 'web'], { method: 'GET', uri: '/containers/web/logs?follow=1&stderr=1&stdout=1&tail=10&timestamps=1', body: undefined }],
  [['cp', 'web:/etc/hosts', './hosts'], { method: 'GET', uri: '/containers/web/archive?path=%2Fetc%2Fhosts', body: undefined }],
  [['cp', './f', 'web:/tmp'], { method: 'PUT', uri: '/containers/web/archive?noOverwriteDirNonDir=true&path=%2Ftmp', body: undefined }],
  [['cp', '-a', '/x', 'web:tmp dir'], { method: 'PUT', uri: '/containers/web/archive?copyUIDGID=true&noOverwriteDirNonDir=true&path=tmp+dir', body: undefined }],
  [['system', 'df', '-v'], { method: 'GET', uri: '/system/df', body: undefined }],
  [['import', 'https://example.org/rootfs.tar', 'alice/base'], { method: 'POST', uri: '/images/create?fromSrc=https%3A%2F%2Fexample.org%2Frootfs.tar&repo=alice%2Fbase', body: undefined }],
  [['import', '-m', 'hi', '-c', 'ENV A=1', 'rootfs.tar', 'alice/base:1'],
    { method: 'POST', uri: '/images/create?changes=ENV+A%3D1&fromSrc=-&message=hi&repo=alice%2Fbase%3A1', body: undefined }],
  [['tag', 'busybox:1.36', 'alice/bb'], { method: 'POST', uri: '/images/busybox:1.36/tag?repo=docker.io%2Falice%2Fbb&tag=latest', body: undefined }],
];

describe('requestFromDockerArgs', () => {
  test.each(CASES)('%j', (line, expected) => {
    expect(explain(line)).toEqual(expected);
  });

  test.each(CASES)('%j is a request the plugin reads: a known route, only query parameters it takes', (line) => {
    const { method, uri } = requestFromDockerArgs(line);
    const [path, query = ''] = uri.split('?') as [string, string?];
    const match = matchRoute(method, decodeURIComponent(path));
    expect(match).toBeDefined();
    expect(decodeRequestInputs(match!.route, query, { 'Content-Type': 'application/json' }, undefined)).toHaveProperty('query');
  });

  test('-f outside the build context is sent under a random name, as the CLI adds it to the context', () => {
    expect(requestFromDockerArgs(['build', '-f', 'docker/app.Dockerfile', '.']).uri).toContain('dockerfile=docker%2Fapp.Dockerfile&');
    expect(requestFromDockerArgs(['build', '-f', '/elsewhere/Dockerfile', '.']).uri).toMatch(/dockerfile=\.dockerfile\.[0-9a-f]{20}&/);
  });

  test.each([
    [['frobnicate'], /explains run, create.*use --request FILE/],
    [['volume', 'ls'], /use --request FILE/],
    [['run', '--frobnicate', 'alpine'], /does not know the flag --frobnicate of docker run: use --request FILE/],
    [['volume', 'create', '--privileged', 'v'], /does not know the flag --privileged of docker volume create: use --request FILE/],
    [['ps', '-d'], /does not know the flag -d of docker ps: use --request FILE/],
    [['run', '--network', 'name=n1,alias=a', 'alpine'], /use --request FILE/],
    [['constructor'], /use --request FILE/],
  ])('%j is bad input pointing at --request', (line, message) => {
    expect(() => requestFromDockerArgs(line)).toThrow(DockerArgsError);
    expect(() => requestFromDockerArgs(line)).toThrow(message);
  });

  test.each([
    [['run'], /needs an image/],
    [['run', '--shm-size', 'lots', 'alpine'], /not a size/],
    [['run', '--memory'], /needs an argument/],
    [['run', '--rm', '--restart', 'always', 'alpine'], /cannot specify both --restart and --rm/],
    [['run', '--ulimit', 'bogus=1', 'alpine'], /invalid ulimit type: bogus/],
    [['run', '--ulimit', 'nofile=2048:1024', 'alpine'], /soft limit must be less than or equal to hard limit/],
    [['run', '--log-driver', 'none', '--log-opt', 'max-size=1m', 'alpine'], /invalid logging opts for driver none/],
    [['run', '--network', 'host', '--network', 'n1', 'alpine'], /cannot attach both user-defined and non-user-defined/],
    [['run', '--mount', 'type=bind,src=/x', 'alpine'], /target is required/],
    [['run', '--privileged=maybe', 'alpine'], /not a boolean/],
    [['pull', '-a', 'busybox:1'], /tag can't be used with --all-tags/],
    [['pull', 'BusyBox'], /must be lowercase/],
    [['tag', 'busybox', `alice/bb@${DIGEST}`], /refusing to create a tag with a digest/],
    [['rm', 'a', 'b'], /one request for each/],
    [['cp', 'a:/x', 'b:/y'], /copying between containers is not supported/],
    [['cp', './a', './b'], /at least one container/],
    [['network', 'connect', 'n1'], /takes NETWORK CONTAINER/],
  ])('%j is refused as the CLI refuses it', (line, message) => {
    expect(() => requestFromDockerArgs(line)).toThrow(message);
  });
});
