// Builds each function as `serverless package` would: esbuild with serverless.yml's `custom.esbuild` settings,
// the functions enumerated from serverless.yml (so new functions are measured as they arrive), plus any extra
// entry (the naive baseline) with the very same settings.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { parseDocument } from 'yaml';

export interface Bundle {
  name: string;
  /** The function's handler export. */
  exportName: string;
  file: string;
  bytes: number;
  /** Bytes of the source map shipped beside it (loaded at start by --enable-source-maps). */
  mapBytes: number;
}

interface EsbuildCustom {
  minify?: boolean;
  sourcemap?: boolean;
  target?: string;
  platform?: 'node';
  format?: 'esm' | 'cjs';
  outputFileExtension?: string;
  exclude?: string[];
  external?: string[];
  banner?: { js?: string };
  /** serverless-esbuild's `plugins`: a CommonJS file exporting the plugins (absolute once read). */
  plugins?: string;
}

export interface ServerlessSettings {
  esbuild: EsbuildCustom;
  functions: Array<{ name: string; file: string; exportName: string; environment: Record<string, string> }>;
  /** provider.environment.NODE_OPTIONS (the deployed runtime's flags), when literal. */
  nodeOptions: string | undefined;
}

/** The parts of serverless.yml the bench needs; CloudFormation tags (!Ref …) are left unresolved. */
export const readServerlessSettings = (root: string): ServerlessSettings => {
  const doc = parseDocument(readFileSync(join(root, 'serverless.yml'), 'utf8'), { logLevel: 'silent' });
  const config = doc.toJS({}) as {
    custom?: { esbuild?: EsbuildCustom };
    provider?: { environment?: Record<string, unknown> };
    functions?: Record<string, { handler?: string; environment?: Record<string, unknown> }>;
    params?: { default?: Record<string, unknown> };
  };
  const params = config.params?.default ?? {};
  const functions = Object.entries(config.functions ?? {}).flatMap(([name, fn]) => {
    const handler = String(fn?.handler ?? '');
    const dot = handler.lastIndexOf('.');
    const environment = Object.fromEntries(
      Object.entries(fn?.environment ?? {}).map(([key, value]) => [key, envValue(key, value, params)]),
    );
    return dot > 0
      ? [{ name, file: handler.slice(0, dot), exportName: handler.slice(dot + 1), environment }]
      : [];
  });
  const nodeOptions = config.provider?.environment?.NODE_OPTIONS;
  return {
    esbuild: {
      ...config.custom?.esbuild,
      ...(config.custom?.esbuild?.plugins ? { plugins: join(root, config.custom.esbuild.plugins) } : {}),
    },
    functions,
    nodeOptions: typeof nodeOptions === 'string' ? nodeOptions : undefined,
  };
};

/**
 * A function's own environment value, for loading it outside AWS: `${param:x}` from params.default, literals as
 * written, and a placeholder of the right shape for what only a deployment knows (!Ref, !GetAtt).
 */
const envValue = (key: string, value: unknown, params: Record<string, unknown>): string => {
  const param = typeof value === 'string' ? /^\$\{param:(\w+)\}$/.exec(value)?.[1] : undefined;
  const resolved = param ? params[param] : value;
  if (
    (typeof resolved === 'string' && resolved !== '' && !resolved.includes('${')) ||
    typeof resolved === 'number'
  )
    return String(resolved);
  if (key.endsWith('_ARN')) return 'arn:aws:sns:us-east-1:123456789012:remedy-bench';
  if (key.endsWith('_URL')) return 'http://127.0.0.1:9/remedy-bench';
  if (key.endsWith('_PARAMETER')) return '/remedy/local/bench';
  return 'bench';
};

const sourceOf = (root: string, file: string): string | undefined => {
  for (const ext of ['.ts', '.mts', '.js', '.mjs']) {
    try {
      statSync(join(root, file + ext));
      return join(root, file + ext);
    } catch {
      // try the next extension
    }
  }
  return undefined;
};

/** Bundles one entry into `<outDir>/<name>/index<ext>` with the serverless.yml settings. */
export const bundle = async (
  settings: EsbuildCustom,
  entry: { name: string; source: string; exportName: string },
  outDir: string,
): Promise<Bundle> => {
  const ext = settings.outputFileExtension ?? '.js';
  const dir = join(outDir, entry.name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `index${ext}`);
  await build({
    entryPoints: [entry.source],
    outfile: file,
    bundle: true,
    minify: settings.minify ?? false,
    sourcemap: settings.sourcemap ?? false,
    target: settings.target ?? 'node22',
    platform: settings.platform ?? 'node',
    format: settings.format ?? 'cjs',
    // serverless-esbuild's `exclude` leaves these to the runtime (the nodejs22.x runtime ships AWS SDK v3).
    external: [...(settings.exclude ?? []), ...(settings.external ?? [])],
    ...(settings.banner?.js ? { banner: { js: settings.banner.js } } : {}),
    // serverless-esbuild requires the plugins file the same way.
    ...(settings.plugins ? { plugins: createRequire(import.meta.url)(settings.plugins) as Plugin[] } : {}),
    logLevel: 'silent',
  });
  const mapBytes = settings.sourcemap ? statSync(`${file}.map`).size : 0;
  return { name: entry.name, exportName: entry.exportName, file, bytes: statSync(file).size, mapBytes };
};

/**
 * Every function of serverless.yml, bundled. A function whose source is missing or does not build yet (work in
 * progress beside the bench) is reported with the reason instead of failing the whole run.
 */
export const bundleFunctions = async (
  root: string,
  outDir: string,
): Promise<Array<(Bundle & { environment: Record<string, string> }) | { name: string; error: string }>> => {
  const settings = readServerlessSettings(root);
  const bundles: Array<(Bundle & { environment: Record<string, string> }) | { name: string; error: string }> =
    [];
  for (const fn of settings.functions) {
    const source = sourceOf(root, fn.file);
    if (!source) {
      bundles.push({ name: fn.name, error: `no source for ${fn.file}` });
      continue;
    }
    try {
      const built = await bundle(
        settings.esbuild,
        { name: fn.name, source, exportName: fn.exportName },
        outDir,
      );
      bundles.push({ ...built, environment: fn.environment });
    } catch (error) {
      bundles.push({ name: fn.name, error: (error as Error).message.split('\n')[0] ?? 'build failed' });
    }
  }
  return bundles;
};
