#!/usr/bin/env node
// The `remedy` executable (package.json "bin"): the CLI is TypeScript run from the checkout, so this registers
// tsx's loader (installed with the repository's devDependencies) and hands over to main.ts. Plain JavaScript,
// because `npx remedy` and a linked `remedy` run it with node itself.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
main();
