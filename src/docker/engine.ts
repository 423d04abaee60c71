// The Docker Engine API through dockerode: where the daemon keeps images, and image exports.
import type { Readable } from 'node:stream';
import Docker from 'dockerode';

export type ImageStore = 'containerd' | 'classic';

export interface HistoryItem {
  createdBy: string;
  size: number;
}

export interface DockerEngine {
  /** Fails with a message that says how to reach a daemon. */
  ping(): Promise<void>;
  /** The daemon's version (`GET /version`), for the report: users debugging a number need it. */
  version(): Promise<string>;
  imageStore(): Promise<ImageStore>;
  hasImage(ref: string): Promise<boolean>;
  /** `GET /images/{name}/get`: an OCI layout in a tar (all platforms on the containerd store). */
  exportImage(ref: string): Promise<Readable>;
  history(ref: string): Promise<HistoryItem[]>;
}

export function describeDockerHost(): string {
  return process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

export class DockerodeEngine implements DockerEngine {
  readonly docker: Docker;

  constructor(docker?: Docker) {
    this.docker = docker ?? new Docker();
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      throw new Error(
        `Docker is not reachable at ${this.endpoint()} (${(error as Error).message}): start the daemon or set DOCKER_HOST`,
      );
    }
  }

  private endpoint(): string {
    const modem = this.docker.modem as {
      socketPath?: string;
      host?: string;
      port?: number;
      protocol?: string;
    };
    if (modem.socketPath) return `unix://${modem.socketPath}`;
    return modem.host
      ? `${modem.protocol ?? 'http'}://${modem.host}:${modem.port ?? ''}`
      : describeDockerHost();
  }

  async version(): Promise<string> {
    return ((await this.docker.version()) as { Version?: string }).Version ?? 'unknown';
  }

  async imageStore(): Promise<ImageStore> {
    const info = (await this.docker.info()) as { DriverStatus?: [string, string][] };
    const containerd = (info.DriverStatus ?? []).some(
      ([key, value]) => key === 'driver-type' && value.startsWith('io.containerd.snapshotter'),
    );
    return containerd ? 'containerd' : 'classic';
  }

  async hasImage(ref: string): Promise<boolean> {
    try {
      await this.docker.getImage(ref).inspect();
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw error;
    }
  }

  async exportImage(ref: string): Promise<Readable> {
    return (await this.docker.getImage(ref).get()) as unknown as Readable;
  }

  async history(ref: string): Promise<HistoryItem[]> {
    const items = (await this.docker.getImage(ref).history()) as { CreatedBy: string; Size: number }[];
    return items.map((h) => ({ createdBy: h.CreatedBy, size: h.Size }));
  }
}
