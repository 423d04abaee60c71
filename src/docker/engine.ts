// The Docker Engine API through dockerode: where the daemon keeps images, and image exports.
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { dockerodeOptions, resolveDockerEndpoint } from './endpoint.js';

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
  /** The image ID a tag names now; null when there is no such image. */
  imageId(ref: string): Promise<string | null>;
  /** Removes the image when no tag names it any more (and no container uses it); true when removed. */
  removeIfUntagged(id: string): Promise<boolean>;
  /** Names an image `repository:tag` as well. */
  tag(id: string, repository: string, tag: string): Promise<void>;
  /**
   * Removes the tag `ref`; the image goes with it when that was its last tag (and no container uses
   * it). True when the image went.
   */
  removeTag(ref: string): Promise<boolean>;
}

export function describeDockerHost(): string {
  return process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

/** The daemon the docker CLI (and so buildx) would use; DOCKER_HOST with its TLS variables dockerode reads itself. */
function endpointDocker(): Docker {
  const endpoint = resolveDockerEndpoint();
  return endpoint.context ? new Docker(dockerodeOptions(endpoint)) : new Docker();
}

export class DockerodeEngine implements DockerEngine {
  readonly docker: Docker;

  constructor(docker?: Docker) {
    this.docker = docker ?? endpointDocker();
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

  async imageId(ref: string): Promise<string | null> {
    try {
      return ((await this.docker.getImage(ref).inspect()) as { Id: string }).Id;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
  }

  async removeIfUntagged(id: string): Promise<boolean> {
    try {
      const { RepoTags } = (await this.docker.getImage(id).inspect()) as { RepoTags?: string[] };
      if ((RepoTags ?? []).some((tag) => tag !== '<none>:<none>')) return false;
      await this.docker.getImage(id).remove();
      return true;
    } catch {
      // Gone already, or still used by a container: it is not ours to force.
      return false;
    }
  }

  async tag(id: string, repository: string, tag: string): Promise<void> {
    await this.docker.getImage(id).tag({ repo: repository, tag });
  }

  async removeTag(ref: string): Promise<boolean> {
    try {
      // Untagged for a name, Deleted for each image (layer) that went: `DELETE /images/{name}`.
      const answer = (await this.docker.getImage(ref).remove({ noprune: true })) as { Deleted?: string }[];
      return answer.some((item) => item.Deleted);
    } catch (error) {
      // Gone already, or its last tag and a container uses it: either way there is nothing to do.
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404 || status === 409) return false;
      throw error;
    }
  }

  async history(ref: string): Promise<HistoryItem[]> {
    const items = (await this.docker.getImage(ref).history()) as { CreatedBy: string; Size: number }[];
    return items.map((h) => ({ createdBy: h.CreatedBy, size: h.Size }));
  }
}
