// The explanation of a whole run: each platform of the head, against the same platform of the base.

import type { MeasuredImage } from '../measure/image-reader.js';
import { explainPlatform, explainSide } from './explain.js';
import type { PlatformExplanation } from './model.js';

/** An image with the Dockerfile it was built from (null when unknown: the image was measured as found). */
export interface ExplainedImage {
  image: MeasuredImage;
  dockerfile: string | null;
}

/** Explains each head platform, against the same platform of the base when there is one. */
export function explainImages(
  head: ExplainedImage,
  base: ExplainedImage | null,
  target: string | null,
): PlatformExplanation[] {
  const side = ({ image, dockerfile }: ExplainedImage, platform: string) =>
    explainSide(image, dockerfile, target, platform);
  return head.image.measure.platforms.map((p) => {
    const other = base ? side(base, p.platform) : null;
    return explainPlatform(side(head, p.platform)!, other);
  });
}
