// A real single-node Slurm cluster on loopback for the sweep tests: munged, slurmctld and slurmd
// (Debian's munge and slurm-wlm) started from a temporary directory with a generated slurm.conf
// (NodeName=localhost, the machine's own CPUs and memory from `slurmd -C`, proctrack/linuxproc,
// task/none, no cgroup, no accounting), on free ports, with its own munge key and socket, so it
// touches nothing of the machine's own Slurm or munge setup. Client commands find it through
// SLURM_CONF, which `env` carries.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';
import { onPath } from '../../src/slurm/commands.ts';

const DAEMONS = ['munged', 'slurmctld', 'slurmd'];
const CLIENTS = ['sbatch', 'squeue', 'scancel', 'scontrol', 'sinfo'];

/** Why the cluster cannot be started here (the test skips with it), or false. */
export function slurmSkipReason(): string | false {
  const path = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
  const missing = [...DAEMONS, ...CLIENTS].filter((c) => !onPath(c, path));
  if (missing.length) return `Slurm is not installed (missing ${missing.join(', ')}): apt-get install slurm-wlm munge (.ci/run does this)`;
  if (process.getuid?.() !== 0) return 'starting slurmd needs root (it runs the jobs as their owner)';
  return false;
}

export interface SlurmCluster {
  dir: string;
  /** process.env plus SLURM_CONF (and PATH with /usr/sbin) for commands that talk to this cluster */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function daemon(file: string, args: string[], log: string, env: NodeJS.ProcessEnv): ChildProcess {
  const fd = openSync(log, 'a');
  return spawn(file, args, { stdio: ['ignore', fd, fd], env });
}

export async function startSlurmCluster(): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'prism-slurm-'));
  chmodSync(dir, 0o755); // munged wants its socket's directory reachable by every user
  const path = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: path, SLURM_CONF: join(dir, 'slurm.conf') };
  const children: ChildProcess[] = [];
  const killAll = () => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM'); };
  process.once('exit', killAll); // a test that dies leaves no daemon behind
  try {
    const key = join(dir, 'munge.key');
    writeFileSync(key, randomBytes(1024), { mode: 0o400 });
    const socket = join(dir, 'munge.socket');
    children.push(daemon(onPath('munged', path)!, ['-F', '--force', `--socket=${socket}`, `--key-file=${key}`,
      `--pid-file=${join(dir, 'munged.pid')}`, `--log-file=${join(dir, 'munged.log')}`, `--seed-file=${join(dir, 'munged.seed')}`], join(dir, 'munged.out'), env));
    for (let i = 0; !existsSync(socket); i++) {
      if (i > 100) throw new Error(`munged did not create its socket; see ${join(dir, 'munged.out')}`);
      await sleep(100);
    }
    // the node line as slurmd itself sees this machine, so the node is never drained for a mismatch
    const probe = spawnSync(onPath('slurmd', path)!, ['-C'], { encoding: 'utf8' });
    const hw = /CPUs=.*$/m.exec(probe.stdout)?.[0].replace(/\s*UpTime=.*$/, '') ?? 'CPUs=1';
    for (const d of ['state', 'spool']) mkdirSync(join(dir, d));
    const [ctldPort, dPort] = [await getPort({ host: '127.0.0.1' }), await getPort({ host: '127.0.0.1' })];
    writeFileSync(env.SLURM_CONF!, [
      'ClusterName=prismtest',
      'SlurmctldHost=localhost(127.0.0.1)',
      `SlurmctldPort=${ctldPort}`, `SlurmdPort=${dPort}`,
      'SlurmUser=root', 'SlurmdUser=root',
      'AuthType=auth/munge', 'CredType=cred/munge', `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${join(dir, 'state')}`, `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`, `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`, `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc', 'TaskPlugin=task/none', 'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none', 'JobCompType=jobcomp/none',
      'SelectType=select/cons_tres', 'SelectTypeParameters=CR_CPU', 'SchedulerType=sched/backfill',
      'MpiDefault=none', 'ReturnToService=2', 'MinJobAge=3600', 'KillWait=30',
      `NodeName=localhost NodeAddr=127.0.0.1 ${hw} State=UNKNOWN`,
      'PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'));
    children.push(daemon(onPath('slurmctld', path)!, ['-D', '-i', '-f', env.SLURM_CONF!], join(dir, 'slurmctld.out'), env));
    children.push(daemon(onPath('slurmd', path)!, ['-D', '-N', 'localhost', '-f', env.SLURM_CONF!], join(dir, 'slurmd.out'), env));
    for (let i = 0; ; i++) {
      const s = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', env });
      if (s.status === 0 && /^idle/m.test(s.stdout)) break;
      if (i > 150) throw new Error(`the node did not become idle (sinfo: ${s.stdout.trim() || s.stderr.trim()}); see ${dir}/slurmctld.log and slurmd.log`);
      await sleep(200);
    }
  } catch (e) {
    killAll();
    throw e;
  }
  return {
    dir,
    env,
    async stop() {
      spawnSync('scancel', ['--full', '--user', 'root'], { env }); // jobs of this cluster only (SLURM_CONF)
      for (let i = 0; i < 100; i++) {
        const q = spawnSync('squeue', ['-h'], { encoding: 'utf8', env });
        if (q.status !== 0 || !q.stdout.trim()) break;
        await sleep(200);
      }
      killAll();
      await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((r) => c.once('exit', r))));
      process.off('exit', killAll);
    },
  };
}
