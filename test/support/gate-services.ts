// The gate's real adapters for integration tests: one daemon, git with its own temp root, no GitHub, and a
// log kept in an array (warnings prefixed) so a test can read what the gate said.
import Docker from 'dockerode';
import type { Buildx } from '../../src/buildx/buildx.js';
import { DockerodeEngine } from '../../src/docker/engine.js';
import type { GateServices } from '../../src/gate/run-gate.js';
import { baselineGit } from '../../src/git/baseline.js';
import { registryImages } from '../../src/measure/registry-reader.js';

export function realGateServices(options: {
  buildx: Buildx;
  socket: string;
  runnerTemp: string;
  logs: string[];
}): GateServices {
  const { logs } = options;
  return {
    buildx: options.buildx,
    docker: new DockerodeEngine(new Docker({ socketPath: options.socket })),
    registry: registryImages(),
    git: baselineGit({ tempRoot: options.runnerTemp }),
    comments: null,
    summary: null,
    log: {
      info: (l) => logs.push(l),
      warning: (l) => logs.push(`warning: ${l}`),
      detail: () => {},
      group: () => {},
    },
  };
}
