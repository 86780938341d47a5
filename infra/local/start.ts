// `npm start`: the whole pipeline on this machine. Prints where to send alerts; Ctrl-C stops everything.
import { relative } from 'node:path';
import { DEFAULT_PORTS, ROOT, startLocalStack } from './stack.js';

const port = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535)
    throw new Error(`${name}=${raw} is not a TCP port`);
  return value;
};

// Node 20 is supported by the AWS SDK until early 2027: the notice is known, keep the console for decisions.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const mode = process.env.REMEDY_MODE === 'dry-run' ? 'dry-run' : 'enforce';
const log = (line: string) => process.stderr.write(`[local] ${line}\n`);

const stack = await startLocalStack({
  ports: {
    dynamodb: port('REMEDY_DYNAMODB_PORT', DEFAULT_PORTS.dynamodb),
    sns: port('REMEDY_SNS_PORT', DEFAULT_PORTS.sns),
    aws: port('REMEDY_AWS_PORT', DEFAULT_PORTS.aws),
    kube: port('REMEDY_KUBE_PORT', DEFAULT_PORTS.kube),
  },
  ...(process.env.REMEDY_KUBECONFIG ? { kubeconfig: process.env.REMEDY_KUBECONFIG } : {}),
  mode,
  log,
}).catch((error: Error) => {
  log(`could not start: ${error.message}`);
  process.exit(1);
});

const rel = (p: string) => relative(ROOT, p) || p;
process.stdout.write(`
remedy local stack is up (mode: ${mode.toUpperCase()}${mode === 'enforce' ? ': it WILL act on the cluster' : ''}).

Send alerts to the SNS endpoint:
  api_url:   ${stack.sns.url}
  topic_arn: ${stack.topicArn}
  region:    us-east-1   credentials: see ${rel(stack.localJson)}

Point an Alertmanager here (template, subject, message and attributes from infra/alertmanager/):
  prometheus-alertmanager --config.file=${rel(stack.alertmanagerConfig)}
  amtool alert add KubePodCrashLooping severity=warning namespace=demo pod=<a pod> --alertmanager.url=http://127.0.0.1:9093

Watch the cluster:
  kubectl --kubeconfig ${rel(stack.kubeconfig)} get pods -n demo

Ctrl-C stops everything.
`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
