// The credentials the docker CLI would use for a registry host, read as it reads them from the Docker config
// ($DOCKER_CONFIG/config.json, else ~/.docker/config.json): `credHelpers[host]` first, then `credsStore`,
// then the inline `auths[host].auth`. A helper speaks docker-credential-helpers' protocol: `get` with the
// server URL on stdin, JSON {ServerURL, Username, Secret} on stdout, and Username "<token>" when the
// Secret is an identity (refresh) token. Every secret is handed to the masker before it is returned.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type RegistryCredential =
  /** base64 user:password, for Basic auth and for the token endpoint. */
  | { kind: 'basic'; basic: string }
  /** An identity token: exchanged at the token endpoint as an OAuth2 refresh token. */
  | { kind: 'identity-token'; token: string };

export class CredentialHelperError extends Error {}

export interface CredentialLookup {
  /** The environment the config path and the helper's PATH come from. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How long a helper may take. Default 15 s. */
  helperTimeoutMs?: number;
}

/** Where secrets go to be masked before anything can print them (the action sets core.setSecret). */
let masker: (secret: string) => void = () => {};
export function maskRegistrySecretsWith(mask: (secret: string) => void): void {
  masker = mask;
}

/** More than any helper's answer needs; past it the helper is stopped and refused. */
const MAX_HELPER_OUTPUT = 64 * 1024;
const NOT_FOUND = /credentials not found/i;

interface DockerConfig {
  auths?: Record<string, { auth?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** The credential for a registry host, or null for anonymous. */
export async function registryCredential(
  host: string,
  lookup: CredentialLookup = {},
): Promise<RegistryCredential | null> {
  const env = lookup.env ?? process.env;
  const configPath = join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8')) as DockerConfig;
  } catch {
    return null; // No (readable) config: anonymous, as the docker CLI treats it.
  }
  const keys =
    host === 'docker.io' ? ['https://index.docker.io/v1/', 'docker.io'] : [host, `https://${host}`];
  const helperKey = keys.find((key) => typeof config.credHelpers?.[key] === 'string');
  const helper = helperKey ? config.credHelpers![helperKey] : config.credsStore;
  if (helper) {
    const field = helperKey ? `credHelpers["${helperKey}"]` : 'credsStore';
    const found = await runHelper(helper, keys[0]!, `${field} in ${configPath}`, env, lookup.helperTimeoutMs);
    if (found) return found;
  }
  for (const key of keys) {
    const entry = config.auths?.[key];
    if (entry?.identitytoken) return masked({ kind: 'identity-token', token: entry.identitytoken });
    if (entry?.auth) return masked({ kind: 'basic', basic: entry.auth });
  }
  return null;
}

function masked(credential: RegistryCredential): RegistryCredential {
  if (credential.kind === 'basic') {
    masker(credential.basic);
    const password = Buffer.from(credential.basic, 'base64').toString().split(':').slice(1).join(':');
    if (password) masker(password);
  } else masker(credential.token);
  return credential;
}

/** Runs `docker-credential-<name> get`; null when the helper holds nothing for the server. */
function runHelper(
  name: string,
  serverUrl: string,
  origin: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 15_000,
): Promise<RegistryCredential | null> {
  const program = `docker-credential-${name}`;
  const fail = (why: string) =>
    new CredentialHelperError(`the credential helper ${program} (${origin}) ${why}`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    return Promise.reject(fail('has a name no helper has: fix the Docker config'));
  }
  return new Promise((resolve, reject) => {
    // In a process group of its own, so that stopping it stops whatever it started too.
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let refused: Error | null = null;
    const stop = (error: Error) => {
      refused ??= error;
      // A helper that is a script runs children, which would hold its output open after it died.
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      // One that left its group on purpose may still hold it: stop listening, so that close comes.
      child.stdout.destroy();
      child.stderr.destroy();
    };
    const timer = setTimeout(
      () =>
        stop(
          fail(
            `gave no answer within ${timeoutMs / 1000} s and was stopped: check it by hand with \`echo ${serverUrl} | ${program} get\``,
          ),
        ),
      timeoutMs,
    );
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_HELPER_OUTPUT)
        stop(
          fail(
            `answered more than ${MAX_HELPER_OUTPUT} bytes and was stopped: check it by hand with \`echo ${serverUrl} | ${program} get\``,
          ),
        );
      else into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.stdin.on('error', () => {}); // A helper that exits without reading its stdin.
    child.stdin.end(serverUrl);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? fail(
              `is not on PATH: install it, or remove it from the Docker config to use \`docker login\`'s stored credentials`,
            )
          : fail(`could not be started (${error.code ?? error.message})`),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (refused) return reject(refused);
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code !== 0) {
        if (NOT_FOUND.test(stdout) || NOT_FOUND.test(stderr)) return resolve(null);
        // What a failing helper says is an error message, never the secret; shown short and on one line.
        const said = (stdout.trim() || stderr.trim())
          .split('\n')[0]!
          .replace(/[^\x20-\x7e]/g, '?')
          .slice(0, 200);
        return reject(fail(`failed with exit code ${code}${said ? `: ${said}` : ''}`));
      }
      let answer: { Username?: unknown; Secret?: unknown };
      try {
        answer = JSON.parse(stdout) as typeof answer;
      } catch {
        return reject(
          fail(
            `answered ${stdout.length} bytes that are not JSON: check it by hand with \`echo ${serverUrl} | ${program} get\``,
          ),
        );
      }
      const { Username: user, Secret: secret } = answer ?? {};
      if (typeof secret !== 'string' || secret === '') return resolve(null);
      if (user === '<token>') return resolve(masked({ kind: 'identity-token', token: secret }));
      masker(secret);
      const username = typeof user === 'string' ? user : '';
      resolve(masked({ kind: 'basic', basic: Buffer.from(`${username}:${secret}`).toString('base64') }));
    });
  });
}
