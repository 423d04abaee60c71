// The benchmark prints byte figures the way every other output of the project does.
export { formatBytes, formatExactBytes } from '../../src/core/bytes.js';
