import type { Command } from 'commander';
import { DEFAULT_SUITE } from './suites.ts';
import type { RunFlags } from './actions/run.ts';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a suite: every engine x draft x dataset x temperature cell, each engine a separate process')
    .option('--suite <file>', 'suite file (YAML or JSON)', DEFAULT_SUITE)
    .option('--out <dir>', 'run directory for result.json, requests.jsonl, logs and reports (default: results/<time>-<suite>); not with --resume, which continues in the run\'s own directory')
    .option('--quick', 'apply the suite\'s quick overrides (the default suite: about two minutes on a 2-core CPU)')
    .option('--full', 'run suites/full.yaml: the default comparison at 20 prompts x 96 tokens per cell (17-24 minutes on a 2-core CPU)')
    .option('--resume <dir>', 'continue an interrupted run in <dir>: finished cells are kept, the rest run; a damaged or missing result.json is rebuilt from the journal, requests.jsonl')
    .option('--target-ci <pct>', 'repeat trials until every cell\'s throughput 95% interval is within PCT% of its mean (up to maxTrials)')
    .option('--target-mde <pct>', 'add whole rounds (up to maxTrials) until the gate could see a PCT% throughput regression of the suite with 80% power')
    .option('--pair <base:head>', 'with --target-mde: the two engine labels the gate will pair (gate --pair); without it, the MDE is for a gate against a baseline like this run')
    .option('--shard <i/n>', 'run only shard i of n: every draft of one engine x dataset group with its vanilla cells (a sweep\'s array task; see slurm submit)')
    .option('--prompts <n>', 'override settings.prompts: the first N prompts of each dataset')
    .option('--trials <n>', 'override settings.trials: measured repetitions per cell')
    .option('--seed <n>', 'override settings.seed: the sampling seed')
    .option('--max-new-tokens <n>', 'override settings.maxNewTokens: tokens generated per request')
    .option('--temperatures <list>', 'override settings.temperatures: a comma list such as 0,1')
    .option('--drafts <names>', 'run only these of the suite\'s drafts (comma list of names)')
    .option('--datasets <names>', 'run only these of the suite\'s datasets (comma list of names)')
    .option('--engines <names>', 'run only these of the suite\'s engines (comma list of labels or adapter names)')
    .option('--base-url <url>', 'benchmark a server that is already running instead of launching the suite\'s engine (needs --engine-kind; the launched path, without it, is the recommended one)')
    .option('--engine-kind <kind>', 'with --base-url: the protocol the server speaks: sglang, vllm, trtllm, reference (prism-bench serve) or openai (any OpenAI-compatible server)')
    .option('--draft-label <name>', 'with --base-url: the draft the server runs (a suite draft or a draft method), where its info endpoints do not say')
    .option('--ready-timeout <seconds>', 'how long an engine may take to become ready', '120')
    .option('--wide', 'print every cell and metric (report --format table) instead of the summary per temperature')
    .option('--json', 'print the result JSON on stdout instead of the table (with --dry-run: the plan as JSON)')
    .option('--dry-run', 'print every launch command, environment and request shape per cell, and launch nothing')
    .addHelpText('after', `
Examples:
  prism-bench run                         # default suite on the embedded reference engine
  prism-bench run --quick                 # the same, shrunk to about two minutes
  prism-bench run --full                  # the same comparison on more and longer requests
  prism-bench run --suite suites/my.yaml --out results/my-run
  prism-bench run --resume results/my-run # after an interruption
  prism-bench run --shard 2/5 --out sweep/shards/2   # the second of five engine x dataset shards
  prism-bench run --suite suites/my.yaml --dry-run   # the commands and requests, nothing launched
  prism-bench run --quick --trials 3 --drafts vanilla,ngram --datasets chat
                                          # the suite, overridden (recorded in result.json)
  prism-bench run --suite suites/my.yaml --temperatures 0 --max-new-tokens 64 --dry-run
  prism-bench run --target-ci 2           # trials until every throughput CI is within +-2%
  prism-bench run --suite suites/gate.yaml --target-mde 3 --pair base:head
                                          # rounds until the paired gate sees 3%
  prism-bench run --base-url http://127.0.0.1:30000 --engine-kind sglang --dry-run
                                          # what a running server says it runs
  prism-bench run --base-url http://gpu-box:8000 --engine-kind vllm --draft-label eagle3 \\
    --datasets chat

--base-url attaches to a server somebody else started (nothing launched or stopped): the request
protocol and acceptance sources are those of --engine-kind, the suite's drafts are reduced to the
one the server runs, and what its info endpoints do not report is a warning in the audit. Prefer
the launched path: only there does the harness set every engine flag identically for every draft.

Exit codes: 0 every cell ok; 1 some cells failed; 2 usage or input error; 130 interrupted
(resume it).`)
    // --suite has a default, so only commander knows whether it was typed (a resume must not ignore it)
    .action(async (o: RunFlags, cmd: Command) => (await import('./actions/run.ts')).runAction({ ...o, suiteGiven: cmd.getOptionValueSource('suite') === 'cli' }));
}
