#!/usr/bin/env node
// Part of `npm run build`: the Python spawn helper sits next to the compiled spawner (tsc copies no .py).
import { copyFileSync } from "node:fs";

copyFileSync(
  new URL("../src/steps/spawn-helper.py", import.meta.url),
  new URL("../dist/steps/spawn-helper.py", import.meta.url),
);
