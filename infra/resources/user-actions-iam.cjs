// IAM for the user-defined actions, generated at package time from the policy files, so the remediate role can
// start exactly the runbooks, state machines and functions the policies name, and nothing else.
// infra/resources/user-actions.yml takes its Resources and extensions from here:
// `${file(./infra/resources/user-actions-iam.cjs):Resources}`. osls loads `.cjs` files with require() (this
// project is ESM, so `.js` would not load) and calls the exported function with its variable resolver; the
// param `userActionPolicies` names the folder of policy files.
// The names are fixed in the policy (never taken from an alert), which is what makes this exact scoping possible.
'use strict';

const { readdirSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { parseAllDocuments } = require('yaml');

const ROOT = resolve(__dirname, '../..');
const ROLE = 'RemediateRole';
const POLICY = 'RemediateUserActionsPolicy';

const partition = { Ref: 'AWS::Partition' };
const region = { Ref: 'AWS::Region' };
const account = { Ref: 'AWS::AccountId' };
// Fn::Join, not Fn::Sub: a "${…}" in a resolved value could be taken for a serverless variable.
const arn = (...parts) => ({ 'Fn::Join': [':', ['arn', partition, ...parts]] });

// Document names starting with these are AWS-owned; their ARNs have no account.
const AWS_OWNED_DOCUMENT = /^(AWS|Amazon|AMZN)/i;
const DOCUMENT_NAME = /^[a-zA-Z0-9_.-]{3,128}$/;
const DOCUMENT_ARN = /^arn:([a-z-]+):ssm:([a-z0-9-]+):(\d{12})?:document\/([a-zA-Z0-9_.-]{3,128})$/;
const STATE_MACHINE_ARN =
  /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:[a-zA-Z0-9_-]{1,80}(:[a-zA-Z0-9_-]{1,80})?$/;
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const FUNCTION_ARN =
  /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]{1,64}(:(\$LATEST|[a-zA-Z0-9_-]{1,128}))?$/;
const ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const QUALIFIER = /^(\$LATEST|[a-zA-Z0-9_-]{1,128})$/;
const VERSION = /^(\$LATEST|\$DEFAULT|[1-9][0-9]{0,8})$/;

const USER_ACTIONS = new Set(['startAutomation', 'startExecution', 'invokeFunction']);

/** Every `{ type: startAutomation | startExecution | invokeFunction, … }` object in a policy, wherever it is. */
function findActions(node, path, found) {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) findActions(item, `${path}[${i}]`, found);
  } else if (node !== null && typeof node === 'object') {
    if (typeof node.type === 'string' && USER_ACTIONS.has(node.type)) found.push({ action: node, path });
    for (const [key, value] of Object.entries(node)) findActions(value, path ? `${path}.${key}` : key, found);
  }
  return found;
}

function refuse(where, message) {
  throw new Error(
    `${where}: ${message} (the IAM for user actions is generated from fixed names, never a guess)`,
  );
}

/** The IAM statement one user action needs, resources named exactly. */
function statementFor(action, where) {
  switch (action.type) {
    case 'startAutomation': {
      const name = String(action.documentName ?? '');
      const version = action.documentVersion === undefined ? undefined : String(action.documentVersion);
      if (version !== undefined && !VERSION.test(version))
        refuse(`${where}.documentVersion`, `"${version}" is not $LATEST, $DEFAULT or a version number`);
      // SSM authorises a start on the automation definition, name:version. Without documentVersion the
      // version SSM runs ($DEFAULT) is resolved by SSM, so the version part is the one wildcard.
      const versionPart = version ?? '*';
      const statement = { Effect: 'Allow', Action: ['ssm:StartAutomationExecution'] };
      const byArn = DOCUMENT_ARN.exec(name);
      if (byArn) {
        const [, , docRegion, docAccount = '', docName] = byArn;
        statement.Resource = [
          arn('ssm', docRegion, docAccount, `automation-definition/${docName}:${versionPart}`),
          arn('ssm', docRegion, docAccount, `document/${docName}`),
        ];
      } else if (DOCUMENT_NAME.test(name)) {
        const owner = AWS_OWNED_DOCUMENT.test(name) ? '' : account;
        statement.Resource = [
          arn('ssm', region, owner, `automation-definition/${name}:${versionPart}`),
          arn('ssm', region, owner, `document/${name}`),
        ];
      } else {
        refuse(`${where}.documentName`, `"${name}" is not an SSM document name or document ARN`);
      }
      const statements = [statement];
      // A runbook run under its own role needs that role passed to SSM: only a role named literally.
      const assumeRole = action.parameters?.AutomationAssumeRole;
      if (assumeRole !== undefined) {
        if (!ROLE_ARN.test(String(assumeRole)))
          refuse(
            `${where}.parameters.AutomationAssumeRole`,
            `"${assumeRole}" must be a literal IAM role ARN`,
          );
        statements.push({
          Effect: 'Allow',
          Action: ['iam:PassRole'],
          Resource: [String(assumeRole)],
          Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
        });
      }
      return statements;
    }
    case 'startExecution': {
      const machine = String(action.stateMachineArn ?? '');
      if (!STATE_MACHINE_ARN.test(machine))
        refuse(`${where}.stateMachineArn`, `"${machine}" is not a state machine ARN`);
      return [{ Effect: 'Allow', Action: ['states:StartExecution'], Resource: [machine] }];
    }
    case 'invokeFunction': {
      const name = String(action.functionName ?? '');
      const qualifier = action.qualifier === undefined ? undefined : String(action.qualifier);
      if (qualifier !== undefined && !QUALIFIER.test(qualifier))
        refuse(`${where}.qualifier`, `"${qualifier}" is not $LATEST, a version or an alias`);
      let resource;
      if (FUNCTION_ARN.test(name)) {
        if (qualifier !== undefined && name.split(':').length > 7)
          refuse(`${where}.qualifier`, 'give the qualifier either in the ARN or in qualifier, not both');
        resource = qualifier === undefined ? name : `${name}:${qualifier}`;
      } else if (FUNCTION_NAME.test(name)) {
        // Lambda authorises a qualified call on the qualified ARN only: name exactly what is invoked.
        resource = arn(
          'lambda',
          region,
          account,
          `function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`,
        );
      } else {
        refuse(`${where}.functionName`, `"${name}" is not a Lambda function name or function ARN`);
      }
      return [{ Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [resource] }];
    }
    default:
      return [];
  }
}

const sidOf = (text) =>
  text
    .replace(/[^A-Za-z0-9]/g, ' ')
    .replace(/\b\w/g, (c) => c.toUpperCase())
    .replace(/ /g, '');

/**
 * The statements for every user action of the given policy documents (`{ file, document }`), one per action
 * (plus iam:PassRole for a runbook's AutomationAssumeRole), each with a Sid naming the policy and its type.
 */
function userActionStatements(documents) {
  const statements = [];
  const seen = new Set();
  for (const { file, document } of documents) {
    const name =
      document && typeof document === 'object' && typeof document.name === 'string' ? document.name : file;
    for (const { action, path } of findActions(document, '', [])) {
      for (const statement of statementFor(action, `${file}: ${path}`)) {
        const key = JSON.stringify([statement.Action, statement.Resource, statement.Condition]);
        if (seen.has(key)) continue;
        seen.add(key);
        const base = `${sidOf(name)}${sidOf(statement.Action[0].split(':')[1])}`.slice(0, 90);
        let sid = base;
        for (let n = 2; statements.some((s) => s.Sid === sid); n++) sid = `${base}${n}`;
        statements.push({ Sid: sid, ...statement });
      }
    }
  }
  return statements;
}

/** Reads every policy file of a folder as the CLI and the local stack do (.yaml, .yml, .json; sorted, so the template is stable). */
function readPolicyDocuments(dir) {
  const folder = resolve(ROOT, dir);
  let files;
  try {
    files = readdirSync(folder)
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .sort();
  } catch (error) {
    throw new Error(`userActionPolicies: cannot read policy folder ${folder}: ${error.message}`);
  }
  const documents = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(folder, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${join(dir, file)}: ${doc.errors[0].message}`);
      const document = doc.toJS();
      if (document !== null && document !== undefined) documents.push({ file: join(dir, file), document });
    }
  }
  return documents;
}

/** The resources fragment: the role policy and the function waiting for it; both empty when no policy needs one. */
function userActionsFragment(statements) {
  if (statements.length === 0) return { Resources: {}, extensions: {} };
  return {
    Resources: {
      [POLICY]: {
        Type: 'AWS::IAM::RolePolicy',
        Properties: {
          RoleName: { Ref: ROLE },
          PolicyName: 'user-actions',
          PolicyDocument: { Version: '2012-10-17', Statement: statements },
        },
      },
    },
    // The function must not run before it may start what its policies name.
    extensions: { RemediateLambdaFunction: { DependsOn: [POLICY] } },
  };
}

module.exports = async ({ resolveVariable }) => {
  const dir = await resolveVariable('param:userActionPolicies');
  return userActionsFragment(userActionStatements(readPolicyDocuments(String(dir))));
};
module.exports.userActionStatements = userActionStatements;
module.exports.readPolicyDocuments = readPolicyDocuments;
module.exports.userActionsFragment = userActionsFragment;
