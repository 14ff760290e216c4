/** A bare host name for a tracking domain in merchant settings (no scheme, path or port). */
import { z } from 'zod';

export const Host = z
  .string()
  .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i, 'a host name such as "click.linksynergy.com"');
