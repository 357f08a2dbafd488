#!/usr/bin/env node
// Thin launcher: runs the TypeScript CLI through tsx so `npx overlook` works from a git checkout.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
