import type { PathDef, PathInfo } from './types.js';

/** The descriptive part of a path definition (what an OpenPath repeats). */
export const infoOf = (def: PathDef): PathInfo => ({ name: def.name, semantics: def.semantics, parallel: def.parallel, dialsOnFirstByte: def.dialsOnFirstByte });
